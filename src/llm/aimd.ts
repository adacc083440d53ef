import type { ConcurrencyGate } from "./concurrency-gate.ts";

/** Requests let go at once before anything is known about the provider's limits. */
export const PROBE_WINDOW = 4;

/**
 * The concurrency limit while nothing tells the provider's limits (no rate headers seen, no budget
 * configured), as TCP finds a path's capacity. It starts with a few requests, whose responses bring
 * the headers that usually end this at once (`reset`); without headers it doubles per round of
 * successes (slow start) until the first 429, then halves what was in flight on a 429 and adds one per
 * round of successes (additive increase, multiplicative decrease). The 429s of one round (arriving
 * during the cool-down the first of them started) count once.
 */
export class AimdConcurrency {
  private window: number | undefined;
  private slowStart = true;
  private successes = 0;
  /** 429s arriving before this time were sent before the last cut. */
  private ignoreUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly gate: ConcurrencyGate) {
    this.window = Math.min(PROBE_WINDOW, gate.maximum);
    gate.setLimit(this.window);
  }

  /** The current window; undefined once the limits are known (the gate's maximum applies). */
  get limit(): number | undefined {
    return this.window;
  }

  /** The limits became known: pacing is the budgets' again, the gate goes back to its maximum. */
  reset(): void {
    if (this.window === undefined) return;
    this.window = undefined;
    this.gate.setLimit(this.gate.maximum);
  }

  succeeded(): void {
    if (this.window === undefined) return;
    this.successes++;
    if (this.successes < this.window) return;
    // A whole window's worth of successes: a round of answers.
    this.successes = 0;
    this.window = Math.min(this.gate.maximum, this.slowStart ? this.window * 2 : this.window + 1);
    this.gate.setLimit(this.window);
  }

  /** A 429 at `now`; the cool-down it started ends at `until`. */
  rateLimited(now: number, until: number): void {
    // Nothing in flight (a cool-down set from elsewhere) says nothing about concurrency.
    if (this.window === undefined || now < this.ignoreUntil || this.gate.inFlight === 0) return;
    this.slowStart = false;
    this.window = Math.max(1, Math.floor(Math.min(this.window, this.gate.inFlight) / 2));
    this.successes = 0;
    this.ignoreUntil = until;
    this.gate.setLimit(this.window);
  }
}
