import type { Clock } from "./clock.ts";
import type { QuotaState, RateLimitSnapshot } from "./rate-limit-headers.ts";
import {
  type AcquireOptions,
  QuotaWaitTooLong,
  type RateLimiter,
  type RateLimiterStats,
  type RateLimitPermit,
} from "./rate-limiter.ts";
import { TokenBucket } from "./token-bucket.ts";

export interface MemoryRateLimiterOptions {
  clock: Clock;
  maxConcurrency: number;
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}

/** A quota learned from headers, counted down locally between responses. */
interface LearnedQuota extends QuotaState {}

export class MemoryRateLimiter implements RateLimiter {
  private readonly clock: Clock;
  private readonly maxConcurrency: number;
  private readonly rpm: TokenBucket | undefined;
  private readonly tpm: TokenBucket | undefined;
  private learnedRequests: LearnedQuota | undefined;
  private learnedTokens: LearnedQuota | undefined;
  private coolDownUntil = 0;
  private coolDownTotal = 0;
  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private waitingForBudget = 0;

  constructor(options: MemoryRateLimiterOptions) {
    this.clock = options.clock;
    this.maxConcurrency = options.maxConcurrency;
    const now = this.clock.now();
    this.rpm = options.requestsPerMinute
      ? new TokenBucket(options.requestsPerMinute, 60_000, now)
      : undefined;
    this.tpm = options.tokensPerMinute ? new TokenBucket(options.tokensPerMinute, 60_000, now) : undefined;
  }

  async acquire(estimatedTokens: number, options: AcquireOptions = {}): Promise<RateLimitPermit> {
    options.signal?.throwIfAborted();
    await this.takeSlot(options.signal);
    try {
      await this.waitForBudget(estimatedTokens, options);
    } catch (error) {
      this.freeSlot();
      throw error;
    }
    let released = false;
    return {
      release: (actualTokens) => {
        if (released) return;
        released = true;
        if (actualTokens !== undefined && this.tpm) {
          const now = this.clock.now();
          const overEstimate = estimatedTokens - actualTokens;
          if (overEstimate > 0) this.tpm.give(overEstimate, now);
          else this.tpm.take(-overEstimate, now);
        }
        this.freeSlot();
      },
    };
  }

  async coolDown(until: number): Promise<void> {
    if (until <= this.coolDownUntil) return;
    const now = this.clock.now();
    this.coolDownTotal += until - Math.max(now, this.coolDownUntil);
    this.coolDownUntil = until;
  }

  async observe(snapshot: RateLimitSnapshot): Promise<void> {
    this.learnedRequests = merge(this.learnedRequests, snapshot.requests);
    this.learnedTokens = merge(this.learnedTokens, snapshot.tokens);
  }

  stats(): RateLimiterStats {
    return {
      inFlight: this.inFlight,
      queued: this.slotWaiters.length + this.waitingForBudget,
      coolDownMs: this.coolDownTotal,
    };
  }

  private async takeSlot(signal?: AbortSignal): Promise<void> {
    if (this.inFlight < this.maxConcurrency) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.slotWaiters.indexOf(grant);
        if (index >= 0) this.slotWaiters.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.slotWaiters.push(grant);
    });
  }

  /** Hands the slot straight to the next waiter so a newcomer cannot overtake the queue. */
  private freeSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.inFlight--;
  }

  private async waitForBudget(tokens: number, options: AcquireOptions): Promise<void> {
    this.waitingForBudget++;
    try {
      for (;;) {
        const now = this.clock.now();
        const wait = this.requiredWait(tokens, now);
        if (wait <= 0) {
          this.take(tokens, now);
          return;
        }
        if (options.deadline !== undefined && now + wait > options.deadline) throw new QuotaWaitTooLong(wait);
        await this.clock.sleep(wait, options.signal);
      }
    } finally {
      this.waitingForBudget--;
    }
  }

  private requiredWait(tokens: number, now: number): number {
    return Math.max(
      this.coolDownUntil - now,
      this.rpm?.waitFor(1, now) ?? 0,
      this.tpm?.waitFor(tokens, now) ?? 0,
      learnedWait(this.learnedRequests, 1, now),
      learnedWait(this.learnedTokens, tokens, now),
    );
  }

  private take(tokens: number, now: number): void {
    this.rpm?.take(1, now);
    this.tpm?.take(tokens, now);
    spend(this.learnedRequests, 1, now);
    spend(this.learnedTokens, tokens, now);
  }
}

/**
 * Headers describe the quota as the server saw it when the response left; requests we sent since
 * are not in it yet. Within one window the lower of the two counts is the safe one.
 */
function merge(
  current: LearnedQuota | undefined,
  reported: QuotaState | undefined,
): LearnedQuota | undefined {
  if (!reported) return current;
  const sameWindow =
    current !== undefined &&
    Number.isFinite(current.resetAt) &&
    Math.abs(reported.resetAt - current.resetAt) < 1000;
  if (!sameWindow) return { ...reported };
  return {
    limit: reported.limit ?? current.limit,
    remaining: Math.min(current.remaining, reported.remaining),
    resetAt: Math.max(current.resetAt, reported.resetAt),
  };
}

/** Time to wait for `amount` from a learned quota; an unknown reset time never blocks. */
function learnedWait(quota: LearnedQuota | undefined, amount: number, now: number): number {
  if (!quota || now >= quota.resetAt || !Number.isFinite(quota.resetAt)) return 0;
  const needed = quota.limit !== undefined ? Math.min(amount, quota.limit) : amount;
  return quota.remaining >= needed ? 0 : quota.resetAt - now;
}

function spend(quota: LearnedQuota | undefined, amount: number, now: number): void {
  if (!quota) return;
  if (now >= quota.resetAt) {
    // The window the headers described is over: a fresh one started, whose end the next response
    // will tell. Until then count down from the limit without blocking on an unknown reset.
    quota.remaining = quota.limit ?? Number.POSITIVE_INFINITY;
    quota.resetAt = Number.POSITIVE_INFINITY;
  }
  quota.remaining -= amount;
}
