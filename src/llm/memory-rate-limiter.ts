import type { Clock } from "./clock.ts";
import type { QuotaState, RateLimitSnapshot } from "./rate-limit-headers.ts";
import {
  type AcquireOptions,
  permitReleasedOnce,
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
interface LearnedQuota extends QuotaState {
  /** When a fresh window (end not known yet) began; headers that never come must not block forever. */
  freshSince?: number;
}

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
  /** Requests let through so far; a permit remembers the count at its own start. */
  private sent = 0;
  private readonly sequenceOf = new WeakMap<RateLimitPermit, number>();

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
    let sequence: number;
    try {
      sequence = await this.waitForBudget(estimatedTokens, options);
    } catch (error) {
      this.freeSlot();
      throw error;
    }
    const permit = permitReleasedOnce((actualTokens) => {
      if (actualTokens !== undefined && this.tpm) {
        const now = this.clock.now();
        const overEstimate = estimatedTokens - actualTokens;
        if (overEstimate > 0) this.tpm.give(overEstimate, now);
        else this.tpm.take(-overEstimate, now);
      }
      this.freeSlot();
    });
    this.sequenceOf.set(permit, sequence);
    return permit;
  }

  async coolDown(until: number): Promise<void> {
    // A 429 says the learned window was wrong: it is over at `until`, and a fresh one starts then.
    for (const quota of [this.learnedRequests, this.learnedTokens]) {
      if (quota && (!Number.isFinite(quota.resetAt) || quota.resetAt < until)) {
        quota.resetAt = until;
        quota.remaining = Math.min(quota.remaining, 0);
      }
    }
    if (until <= this.coolDownUntil) return;
    const now = this.clock.now();
    this.coolDownTotal += until - Math.max(now, this.coolDownUntil);
    this.coolDownUntil = until;
  }

  async observe(snapshot: RateLimitSnapshot, permit?: RateLimitPermit): Promise<void> {
    const sequence = permit ? this.sequenceOf.get(permit) : undefined;
    // Requests sent after this one left are not in the report yet: count them against it.
    const sentAfter = sequence === undefined ? 0 : this.sent - sequence;
    const requests = snapshot.requests && {
      ...snapshot.requests,
      remaining: snapshot.requests.remaining - sentAfter,
    };
    const now = this.clock.now();
    this.learnedRequests = merge(this.learnedRequests, requests, now);
    this.learnedTokens = merge(this.learnedTokens, snapshot.tokens, now);
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

  /** Waits until the budgets allow one more request, takes it, and returns its sequence number. */
  private async waitForBudget(tokens: number, options: AcquireOptions): Promise<number> {
    this.waitingForBudget++;
    try {
      for (;;) {
        const now = this.clock.now();
        const wait = this.requiredWait(tokens, now);
        if (wait <= 0) return this.take(tokens, now);
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

  private take(tokens: number, now: number): number {
    this.sent++;
    this.rpm?.take(1, now);
    this.tpm?.take(tokens, now);
    spend(this.learnedRequests, 1, now);
    spend(this.learnedTokens, tokens, now);
    return this.sent;
  }
}

/**
 * Headers describe the quota as the server saw it when the response left; requests we sent since
 * are not in it yet. Within one window the lower of the two counts is the safe one.
 */
function merge(
  current: LearnedQuota | undefined,
  reported: QuotaState | undefined,
  now: number,
): LearnedQuota | undefined {
  // A slow response can describe a window that is already over, or older than the one we know.
  if (!reported || reported.resetAt <= now) return current;
  if (current && Number.isFinite(current.resetAt) && reported.resetAt < current.resetAt - 1000)
    return current;
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

/** How often to look again when a fresh window is used up and its end is not known yet. */
const UNKNOWN_RESET_POLL_MS = 50;

/** Time to wait for `amount` from a learned quota. */
function learnedWait(quota: LearnedQuota | undefined, amount: number, now: number): number {
  if (!quota || now >= quota.resetAt) return 0;
  const needed = quota.limit !== undefined ? Math.min(amount, quota.limit) : amount;
  if (quota.remaining >= needed) return 0;
  if (Number.isFinite(quota.resetAt)) return quota.resetAt - now;
  // A fresh window counted down from the limit: its end arrives with the next response's headers,
  // unless the provider stopped sending them; then stop guessing after a minute.
  return now - (quota.freshSince ?? now) > 60_000 ? 0 : UNKNOWN_RESET_POLL_MS;
}

function spend(quota: LearnedQuota | undefined, amount: number, now: number): void {
  if (!quota) return;
  if (now >= quota.resetAt) {
    // The window the headers described is over: a fresh one started, whose end the next response
    // will tell. Until then count down from the limit without blocking on an unknown reset.
    quota.remaining = quota.limit ?? Number.POSITIVE_INFINITY;
    quota.resetAt = Number.POSITIVE_INFINITY;
    quota.freshSince = now;
  }
  quota.remaining -= amount;
}
