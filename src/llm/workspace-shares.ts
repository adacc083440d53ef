import type { RequestShape } from "./local-budget.ts";

/** Share of the request budget kept back from a workspace that has taken more than its fair share. */
export const RESERVE_SHARE = 0.25;

interface Usage {
  value: number;
  at: number;
}

/**
 * Requests each workspace was let through lately (counted over about one period of the limit, decaying),
 * so the queue can tell a workspace taking more than its fair share (the limit split among the
 * workspaces asking) while others ask too. Such a workspace may not take the last quarter of the
 * budget: a burst then cannot use up what the others are about to need.
 */
export class WorkspaceShares {
  private readonly usage = new Map<string, Usage>();

  granted(workspace: string, now: number, periodMs: number): void {
    const current = this.valueOf(workspace, now, periodMs);
    this.usage.set(workspace, { value: current + 1, at: now });
  }

  /** Requests to leave in the budget when `workspace` asks: none unless it is over its share. */
  reserveFor(
    workspace: string,
    now: number,
    shape: RequestShape | undefined,
    waiting: Iterable<string>,
  ): number {
    if (!shape) return 0;
    const active = new Set(waiting);
    for (const [name, usage] of this.usage) {
      const value = this.valueOf(name, now, shape.periodMs);
      if (value >= 0.5) active.add(name);
      else if (value < 0.01 && usage.at < now) this.usage.delete(name);
    }
    active.add(workspace);
    if (active.size < 2) return 0;
    const share = shape.capacity / active.size;
    return this.valueOf(workspace, now, shape.periodMs) > share
      ? Math.ceil(shape.capacity * RESERVE_SHARE)
      : 0;
  }

  private valueOf(workspace: string, now: number, periodMs: number): number {
    const usage = this.usage.get(workspace);
    if (!usage) return 0;
    return usage.value * Math.exp(-Math.max(0, now - usage.at) / periodMs);
  }
}
