import { type InboundTurn, workspaceKey } from "../conversation/turn.ts";
import type { DedupeStore } from "../state/dedupe.ts";
import { dayOf, msUntilNextDay, usageKeys } from "../usage/usage-keys.ts";
import type { UsageStore } from "../usage/usage-store.ts";

export interface BudgetLimits {
  userDailyTokens: number | undefined;
  workspaceDailyTokens: number | undefined;
}

export type BudgetVerdict =
  | { allowed: true }
  | { allowed: false; reason: "user_budget" | "workspace_budget"; resetsInMs: number };

export interface BudgetNotice {
  platform: InboundTurn["platform"];
  workspaceId: string;
  percent: 80 | 100;
  usedTokens: number;
  budgetTokens: number;
}

const THRESHOLDS = [100, 80] as const;

/**
 * Daily token budgets per user and per workspace, read from the usage counters. Checked before a
 * question (no upstream call past the budget) and after an answer (threshold warnings, once each).
 */
export class BudgetGuard {
  constructor(
    private readonly usage: UsageStore,
    private readonly limits: BudgetLimits,
    private readonly once: DedupeStore,
    private readonly now: () => number,
  ) {}

  async check(turn: InboundTurn): Promise<BudgetVerdict> {
    const { userDailyTokens, workspaceDailyTokens } = this.limits;
    if (userDailyTokens === undefined && workspaceDailyTokens === undefined) return { allowed: true };
    const now = this.now();
    const day = dayOf(now);
    const resetsInMs = msUntilNextDay(now);
    if (userDailyTokens !== undefined) {
      const used = tokens(await this.usage.get(usageKeys.userDay(turn, day)));
      if (used >= userDailyTokens) return { allowed: false, reason: "user_budget", resetsInMs };
    }
    if (workspaceDailyTokens !== undefined) {
      const used = tokens(await this.usage.get(usageKeys.workspaceDay(turn, day)));
      if (used >= workspaceDailyTokens) return { allowed: false, reason: "workspace_budget", resetsInMs };
    }
    return { allowed: true };
  }

  /** The threshold the workspace has just crossed, if it is the first to notice (across replicas). */
  async crossedThreshold(turn: InboundTurn): Promise<BudgetNotice | undefined> {
    const budget = this.limits.workspaceDailyTokens;
    if (budget === undefined) return undefined;
    const day = dayOf(this.now());
    const used = tokens(await this.usage.get(usageKeys.workspaceDay(turn, day)));
    const percent = THRESHOLDS.find((threshold) => used * 100 >= budget * threshold);
    if (!percent) return undefined;
    const first = await this.once.firstSeen(`budget:${workspaceKey(turn)}:${day}:${percent}`, 2 * 86_400);
    return first
      ? {
          platform: turn.platform,
          workspaceId: turn.workspaceId,
          percent,
          usedTokens: used,
          budgetTokens: budget,
        }
      : undefined;
  }
}

function tokens(totals: { promptTokens: number; completionTokens: number }): number {
  return totals.promptTokens + totals.completionTokens;
}

/** "5 h 12 min" / "12 min": when a daily budget resets. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}
