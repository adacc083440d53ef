import type { Config } from "../config/config.ts";
import { type InboundTurn, userKey } from "../conversation/turn.ts";
import type { DedupeStore } from "../state/dedupe.ts";
import type { UsageStore } from "../usage/usage-store.ts";
import { AccessPolicy, accessRulesFrom } from "./access-policy.ts";
import { BudgetGuard, formatDuration } from "./budget-guard.ts";
import { PriceTable } from "./pricing.ts";
import { UserRateLimit } from "./user-rate-limit.ts";

export type Refusal = {
  code: "access_denied" | "dms_disabled" | "user_budget" | "workspace_budget" | "slow_down";
  /** Say nothing at all (a refused channel message, or a repeat of a rate-limit notice). */
  silent: boolean;
  params?: Record<string, string>;
};

/** Who may ask, how often, and how much: every check runs before any upstream call. */
export class Governance {
  readonly access: AccessPolicy;
  readonly budget: BudgetGuard;
  readonly prices: PriceTable;
  readonly limits: { userDailyTokens: number | undefined; workspaceDailyTokens: number | undefined };
  private readonly userRate: UserRateLimit | undefined;
  private readonly adminUserIds: Set<string>;

  constructor(config: Config, usage: UsageStore, once: DedupeStore, now: () => number) {
    this.access = new AccessPolicy(accessRulesFrom(config));
    this.limits = {
      userDailyTokens: config.USER_DAILY_TOKEN_BUDGET,
      workspaceDailyTokens: config.WORKSPACE_DAILY_TOKEN_BUDGET,
    };
    this.budget = new BudgetGuard(usage, this.limits, once, now);
    this.prices = new PriceTable(config.MODEL_PRICES);
    this.userRate = config.USER_RATE_LIMIT_PER_MINUTE
      ? new UserRateLimit(config.USER_RATE_LIMIT_PER_MINUTE, now)
      : undefined;
    this.adminUserIds = new Set(config.ADMIN_USER_IDS);
  }

  isAdmin(turn: InboundTurn): boolean {
    return turn.isAdmin === true || this.adminUserIds.has(turn.userId);
  }

  /** Who may ask at all; cheap and synchronous, so it can run before anything else. */
  checkAccess(turn: InboundTurn): Refusal | undefined {
    const access = this.access.check(turn);
    if (access.allowed) return undefined;
    // In a channel a refusal is silence: answering every unauthorized mention would be noise.
    return { code: access.reason, silent: !turn.isDirectMessage && turn.origin !== "command" };
  }

  /** How often and how much: counted only for real questions. */
  async checkLimits(turn: InboundTurn): Promise<Refusal | undefined> {
    const rate = this.userRate?.hit(userKey(turn));
    if (rate && !rate.allowed) return { code: "slow_down", silent: !rate.notify };
    const budget = await this.budget.check(turn);
    if (!budget.allowed) {
      return { code: budget.reason, silent: false, params: { resetIn: formatDuration(budget.resetsInMs) } };
    }
    return undefined;
  }
}
