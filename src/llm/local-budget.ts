import type { Clock } from "./clock.ts";
import { LearnedBucket } from "./learned-bucket.ts";
import type { QuotaState, RateLimitSnapshot } from "./rate-limit-headers.ts";
import { TokenBucket } from "./token-bucket.ts";

/** The answer of a budget asked for one request now. */
export type BudgetTake = Grant | { granted: false; waitMs: number };

export interface Grant {
  granted: true;
  /** The request's number in the budget's sequence of requests sent, if it counts them. */
  sequence: number | undefined;
  /** Its number in this process's local count too, when the budget is shared (Redis). */
  localSequence?: number;
}

/** The request limit as far as it is known: so many per period. */
export interface RequestShape {
  capacity: number;
  periodMs: number;
}

/** Where the pacing queue asks whether the next request may go: budgets of one process, or of Redis. */
export interface Budget {
  /** `reserve`: requests that must stay in the request budget after this one (kept for others). */
  tryTake(tokens: number, reserve?: number): Promise<BudgetTake>;
  /** The request limit, when known (learned or configured). */
  requestShape(): RequestShape | undefined;
  /** Time until `requests` requests of `tokens` tokens in all could have gone, from what is known here. */
  estimateWaitMs(requests: number, tokens: number): number;
}

export interface LocalBudgetOptions {
  clock: Clock;
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}

/**
 * The pacing state of one process: the configured RPM/TPM buckets, the request and token buckets
 * learned from response headers, and the cool-down after a 429. All refill continuously.
 */
export class LocalBudget implements Budget {
  private readonly clock: Clock;
  private readonly rpm: TokenBucket | undefined;
  private readonly tpm: TokenBucket | undefined;
  private learnedRequests: LearnedBucket | undefined;
  private learnedTokens: LearnedBucket | undefined;
  private coolDownUntil = 0;
  private coolDownTotal = 0;
  /** Requests let through so far; a permit remembers the count at its own start. */
  private sent = 0;

  constructor(options: LocalBudgetOptions) {
    this.clock = options.clock;
    const now = this.clock.now();
    this.rpm = options.requestsPerMinute
      ? new TokenBucket(options.requestsPerMinute, 60_000, now)
      : undefined;
    this.tpm = options.tokensPerMinute ? new TokenBucket(options.tokensPerMinute, 60_000, now) : undefined;
  }

  /** Whether anything tells this budget the provider's limits (else the concurrency adapts). */
  get knowsLimits(): boolean {
    return Boolean(this.rpm || this.tpm || this.learnedRequests || this.learnedTokens);
  }

  get coolDownMs(): number {
    return this.coolDownTotal;
  }

  get configuredTokens(): boolean {
    return this.tpm !== undefined;
  }

  async tryTake(tokens: number, reserve = 0): Promise<BudgetTake> {
    return this.takeNow(tokens, reserve);
  }

  requestShape(): RequestShape | undefined {
    const learned = this.learnedRequests?.size;
    if (learned !== undefined && this.learnedRequests) {
      return { capacity: learned, periodMs: this.learnedRequests.period };
    }
    return this.rpm ? { capacity: this.rpm.capacity, periodMs: 60_000 } : undefined;
  }

  takeNow(tokens: number, reserve = 0): BudgetTake {
    const now = this.clock.now();
    const wait = Math.max(
      this.coolDownUntil - now,
      this.rpm?.waitFor(1 + reserve, now) ?? 0,
      this.tpm?.waitFor(tokens, now) ?? 0,
      this.learnedRequests?.waitFor(1 + reserve, now) ?? 0,
      this.learnedTokens?.waitFor(tokens, now) ?? 0,
    );
    if (wait > 0) return { granted: false, waitMs: wait };
    return { granted: true, sequence: this.take(tokens, now) };
  }

  /** Counts a request that went out without asking (a shared budget let it); returns its number. */
  take(tokens: number, now = this.clock.now()): number {
    this.sent++;
    this.rpm?.take(1, now);
    this.tpm?.take(tokens, now);
    this.learnedRequests?.take(1, now);
    this.learnedTokens?.take(tokens, now);
    return this.sent;
  }

  estimateWaitMs(requests: number, tokens: number): number {
    const now = this.clock.now();
    return Math.max(
      0,
      this.coolDownUntil - now,
      this.rpm?.timeFor(requests, now) ?? 0,
      this.tpm?.timeFor(tokens, now) ?? 0,
      this.learnedRequests?.timeFor(requests, now, true) ?? 0,
      this.learnedTokens?.timeFor(tokens, now, true) ?? 0,
    );
  }

  /** The estimate was taken from the configured token budget; settle the difference. */
  correct(estimatedTokens: number, actualTokens: number): void {
    if (!this.tpm) return;
    const now = this.clock.now();
    const overEstimate = estimatedTokens - actualTokens;
    if (overEstimate > 0) this.tpm.give(overEstimate, now);
    else this.tpm.take(-overEstimate, now);
  }

  /** Returns the milliseconds by which this call extended the cool-down. */
  coolDown(until: number): number {
    const now = this.clock.now();
    // A 429 says the counts were wrong: nothing is left until the buckets refill.
    this.learnedRequests?.exhaust(now, this.sent, until);
    this.learnedTokens?.exhaust(now, this.sent);
    if (until <= this.coolDownUntil) return 0;
    const added = until - Math.max(now, this.coolDownUntil);
    this.coolDownTotal += added;
    this.coolDownUntil = until;
    return added;
  }

  /**
   * A response's report; `sequence` is the reported request's number from `tryTake`, and
   * `headerDelayMs` the time from its grant to these headers, if known.
   */
  observe(snapshot: RateLimitSnapshot, sequence?: number, headerDelayMs?: number): void {
    const now = this.clock.now();
    // Requests sent after this one left are not in the report yet: count them against it.
    const sentAfter = sequence === undefined ? 0 : this.sent - sequence;
    const seen = { now, sequence, headerDelayMs };
    this.learnedRequests = learn(this.learnedRequests, snapshot.requests, sentAfter, seen);
    this.learnedTokens = learn(this.learnedTokens, snapshot.tokens, 0, seen);
  }
}

function learn(
  bucket: LearnedBucket | undefined,
  report: QuotaState | undefined,
  sentAfter: number,
  seen: { now: number; sequence: number | undefined; headerDelayMs: number | undefined },
): LearnedBucket | undefined {
  if (!report || !Number.isFinite(report.remaining) || !Number.isFinite(report.resetAt)) return bucket;
  const { now, sequence, headerDelayMs } = seen;
  if (!bucket) return new LearnedBucket(report, sentAfter, now, sequence, headerDelayMs);
  bucket.observe(report, sentAfter, now, sequence, headerDelayMs);
  return bucket;
}
