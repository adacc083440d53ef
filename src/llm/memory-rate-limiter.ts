import { AimdConcurrency } from "./aimd.ts";
import type { Clock } from "./clock.ts";
import { ConcurrencyGate } from "./concurrency-gate.ts";
import { LocalBudget } from "./local-budget.ts";
import { PacingQueue } from "./pacing-queue.ts";
import type { RateLimitSnapshot } from "./rate-limit-headers.ts";
import {
  type AcquireOptions,
  permitReleasedOnce,
  type RateLimiter,
  type RateLimiterStats,
  type RateLimitPermit,
} from "./rate-limiter.ts";

export interface MemoryRateLimiterOptions {
  clock: Clock;
  maxConcurrency: number;
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}

/** The limiter of a single process: its own budgets, its own fair queue. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly clock: Clock;
  private readonly budget: LocalBudget;
  private readonly gate: ConcurrencyGate;
  private readonly aimd: AimdConcurrency;
  private readonly queue: PacingQueue;
  /** A permit's sequence number and grant time, for reading its response's report. */
  private readonly grantOf = new WeakMap<RateLimitPermit, { sequence: number; at: number }>();

  constructor(options: MemoryRateLimiterOptions) {
    this.clock = options.clock;
    this.budget = new LocalBudget(options);
    this.gate = new ConcurrencyGate(options.maxConcurrency);
    this.aimd = new AimdConcurrency(this.gate);
    if (this.budget.knowsLimits) this.aimd.reset();
    this.queue = new PacingQueue(options.clock, this.gate, this.budget);
  }

  async acquire(estimatedTokens: number, options: AcquireOptions = {}): Promise<RateLimitPermit> {
    const admission = await this.queue.acquire(estimatedTokens, options);
    const permit = permitReleasedOnce((actualTokens) => {
      if (actualTokens !== undefined) this.budget.correct(estimatedTokens, actualTokens);
      admission.free();
    });
    if (admission.grant.sequence !== undefined) {
      this.grantOf.set(permit, { sequence: admission.grant.sequence, at: this.clock.now() });
    }
    return permit;
  }

  async coolDown(until: number): Promise<void> {
    if (!this.budget.knowsLimits) this.aimd.rateLimited(this.clock.now(), until);
    this.budget.coolDown(until);
    this.queue.wake();
  }

  async observe(snapshot: RateLimitSnapshot, permit?: RateLimitPermit): Promise<void> {
    const grant = permit ? this.grantOf.get(permit) : undefined;
    this.budget.observe(snapshot, grant?.sequence, grant && this.clock.now() - grant.at);
    if (this.budget.knowsLimits) this.aimd.reset();
    else this.aimd.succeeded();
    this.queue.wake();
  }

  stats(): RateLimiterStats {
    const queue = this.queue.stats();
    return {
      inFlight: queue.inFlight,
      queued: queue.queued,
      coolDownMs: this.budget.coolDownMs,
      admitted: queue.admitted,
      queueWaitMs: queue.waitedMs,
      refused: queue.refused,
      concurrencyLimit: Math.floor(this.gate.limit),
    };
  }
}
