import type { Clock } from "../../llm/clock.ts";
import { MemoryRateLimiter } from "../../llm/memory-rate-limiter.ts";
import type { QuotaState, RateLimitSnapshot } from "../../llm/rate-limit-headers.ts";
import {
  type AcquireOptions,
  permitReleasedOnce,
  QuotaWaitTooLong,
  type RateLimiter,
  type RateLimiterStats,
  type RateLimitPermit,
} from "../../llm/rate-limiter.ts";
import type { RedisConnection } from "./connection.ts";
import { RedisUnavailableError } from "./errors.ts";
import type { RedisKeys } from "./keys.ts";
import { rateLimiterScript } from "./rate-limiter-script.ts";

export interface RedisRateLimiterOptions {
  keys: RedisKeys;
  clock: Clock;
  /** Per process: each replica has its own sockets and memory to protect. */
  maxConcurrency: number;
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}

type Settle = (actualTokens?: number) => void;

/**
 * The cool-down and the RPM/TPM budgets shared by every replica, because they share one API quota:
 * a 429 seen by one replica pauses all of them. Each step is one atomic Lua call. The concurrency cap
 * stays per process. While Redis is away, a MemoryRateLimiter (kept informed of cool-downs and learned
 * limits all along) paces this process alone.
 */
export class RedisRateLimiter implements RateLimiter {
  /** Only the concurrency cap: no budgets are configured on it. */
  private readonly slots: MemoryRateLimiter;
  private readonly fallback: MemoryRateLimiter;
  private readonly rpm: number;
  private readonly tpm: number;
  private waitingForBudget = 0;
  private coolDownTotal = 0;
  private readonly sequenceOf = new WeakMap<RateLimitPermit, number>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisRateLimiterOptions,
  ) {
    this.slots = new MemoryRateLimiter({ clock: options.clock, maxConcurrency: options.maxConcurrency });
    this.fallback = new MemoryRateLimiter({
      clock: options.clock,
      maxConcurrency: Number.POSITIVE_INFINITY,
      requestsPerMinute: options.requestsPerMinute,
      tokensPerMinute: options.tokensPerMinute,
    });
    this.rpm = options.requestsPerMinute ?? 0;
    this.tpm = options.tokensPerMinute ?? 0;
  }

  async acquire(estimatedTokens: number, options: AcquireOptions = {}): Promise<RateLimitPermit> {
    // An abort that happened before the call never fires its event: check it, or the request would queue.
    if (options.signal?.aborted) throw options.signal.reason;
    const slot = await this.slots.acquire(0, options.signal ? { signal: options.signal } : {});
    let granted: { settle: Settle; sequence: number | undefined };
    try {
      granted = await this.waitForBudget(estimatedTokens, options);
    } catch (error) {
      slot.release();
      throw error;
    }
    const permit = permitReleasedOnce((actualTokens) => {
      granted.settle(actualTokens);
      slot.release();
    });
    if (granted.sequence !== undefined) this.sequenceOf.set(permit, granted.sequence);
    return permit;
  }

  async coolDown(until: number): Promise<void> {
    const before = this.fallback.stats().coolDownMs;
    await this.fallback.coolDown(until);
    try {
      this.coolDownTotal += await this.call("cooldown", [until]);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      this.coolDownTotal += this.fallback.stats().coolDownMs - before;
    }
  }

  async observe(snapshot: RateLimitSnapshot, permit?: RateLimitPermit): Promise<void> {
    await this.fallback.observe(snapshot);
    if (!snapshot.requests && !snapshot.tokens) return;
    const sequence = permit ? this.sequenceOf.get(permit) : undefined;
    try {
      await this.call("observe", [
        ...quotaArguments("requests", snapshot.requests),
        ...quotaArguments("tokens", snapshot.tokens),
        sequence === undefined ? "" : String(sequence),
      ]);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
    }
  }

  stats(): RateLimiterStats {
    const slots = this.slots.stats();
    return {
      inFlight: slots.inFlight,
      queued: slots.queued + this.waitingForBudget,
      coolDownMs: this.coolDownTotal,
    };
  }

  private async waitForBudget(
    tokens: number,
    options: AcquireOptions,
  ): Promise<{ settle: Settle; sequence: number | undefined }> {
    const { clock } = this.options;
    this.waitingForBudget++;
    try {
      for (;;) {
        const now = clock.now();
        let wait: number;
        try {
          wait = await this.call("acquire", [tokens, this.rpm, this.tpm]);
        } catch (error) {
          if (!(error instanceof RedisUnavailableError)) throw error;
          const permit = await this.fallback.acquire(tokens, options);
          return { settle: (actualTokens) => permit.release(actualTokens), sequence: undefined };
        }
        // The script answers minus the request's sequence number when it may go.
        if (wait <= 0) {
          return {
            settle: (actualTokens) => this.correct(tokens, actualTokens),
            sequence: wait < 0 ? -wait : undefined,
          };
        }
        if (options.deadline !== undefined && now + wait > options.deadline) throw new QuotaWaitTooLong(wait);
        await clock.sleep(wait, options.signal);
      }
    } finally {
      this.waitingForBudget--;
    }
  }

  /** The estimate was taken from the token budget; settle the difference once the real count is known. */
  private correct(estimatedTokens: number, actualTokens: number | undefined): void {
    if (actualTokens === undefined || this.tpm <= 0 || actualTokens === estimatedTokens) return;
    // Best effort: a lost correction only skews the shared budget until the bucket refills.
    this.call("adjust", [estimatedTokens - actualTokens, this.tpm]).catch(() => {});
  }

  private async call(operation: string, args: readonly (number | string)[]): Promise<number> {
    const now = this.options.clock.now();
    const reply = await this.redis.run(`rate limiter ${operation}`, (client) =>
      client.eval(rateLimiterScript, {
        keys: [this.options.keys.limiter()],
        arguments: [operation, String(now), ...args.map(String)],
      }),
    );
    return Number(reply) || 0;
  }
}

function quotaArguments(name: string, quota: QuotaState | undefined): string[] {
  if (!quota || !Number.isFinite(quota.resetAt) || !Number.isFinite(quota.remaining)) return ["", "", "", ""];
  return [
    name,
    quota.limit === undefined ? "" : String(quota.limit),
    String(quota.remaining),
    String(Math.round(quota.resetAt)),
  ];
}
