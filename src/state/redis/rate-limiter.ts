import { AimdConcurrency } from "../../llm/aimd.ts";
import type { Clock } from "../../llm/clock.ts";
import { ConcurrencyGate } from "../../llm/concurrency-gate.ts";
import { type Budget, type BudgetTake, LocalBudget, type RequestShape } from "../../llm/local-budget.ts";
import { PacingQueue } from "../../llm/pacing-queue.ts";
import type { QuotaState, RateLimitSnapshot } from "../../llm/rate-limit-headers.ts";
import {
  type AcquireOptions,
  permitReleasedOnce,
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

/**
 * The cool-down and the request/token buckets shared by every replica, because they share one API
 * quota: a 429 seen by one replica pauses all of them. Each step is one atomic Lua call. The fair
 * queue and the concurrency gate stay per process (each replica is fair among its own waiters). While
 * Redis is away, a LocalBudget (kept informed of cool-downs, reports and requests sent all along)
 * paces this process alone; it also gives the estimates that refuse a hopeless wait at once.
 */
export class RedisRateLimiter implements RateLimiter, Budget {
  private readonly fallback: LocalBudget;
  private readonly gate: ConcurrencyGate;
  private readonly aimd: AimdConcurrency;
  private readonly queue: PacingQueue;
  private readonly rpm: number;
  private readonly tpm: number;
  private coolDownTotal = 0;
  /** A permit's sequence numbers (shared and local) and grant time, for reading its response's report. */
  private readonly grantOf = new WeakMap<RateLimitPermit, { shared?: number; local?: number; at: number }>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisRateLimiterOptions,
  ) {
    this.fallback = new LocalBudget(options);
    this.gate = new ConcurrencyGate(options.maxConcurrency);
    this.aimd = new AimdConcurrency(this.gate);
    if (this.fallback.knowsLimits) this.aimd.reset();
    this.queue = new PacingQueue(options.clock, this.gate, this);
    this.rpm = options.requestsPerMinute ?? 0;
    this.tpm = options.tokensPerMinute ?? 0;
  }

  async acquire(estimatedTokens: number, options: AcquireOptions = {}): Promise<RateLimitPermit> {
    const admission = await this.queue.acquire(estimatedTokens, options);
    const { grant } = admission;
    const permit = permitReleasedOnce((actualTokens) => {
      // A grant without a shared sequence came from the fallback: settle it there.
      if (grant.sequence === undefined || grant.localSequence === undefined) {
        if (actualTokens !== undefined) this.fallback.correct(estimatedTokens, actualTokens);
      } else this.correct(estimatedTokens, actualTokens);
      admission.free();
    });
    const shared = grant.localSequence === undefined ? undefined : grant.sequence;
    const local = grant.localSequence ?? grant.sequence;
    this.grantOf.set(permit, {
      at: this.options.clock.now(),
      ...(shared !== undefined ? { shared } : {}),
      ...(local !== undefined ? { local } : {}),
    });
    return permit;
  }

  /** Budget: one Lua call; the fallback counts the request too, and decides alone without Redis. */
  async tryTake(tokens: number, reserve = 0): Promise<BudgetTake> {
    let wait: number;
    try {
      wait = await this.call("acquire", [tokens, this.rpm, this.tpm, reserve]);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      return this.fallback.takeNow(tokens, reserve);
    }
    // The script answers minus the request's sequence number when it may go.
    if (wait > 0) return { granted: false, waitMs: wait };
    const localSequence = this.fallback.take(tokens);
    return wait < 0
      ? { granted: true, sequence: -wait, localSequence }
      : { granted: true, sequence: localSequence };
  }

  requestShape(): RequestShape | undefined {
    return this.fallback.requestShape();
  }

  estimateWaitMs(requests: number, tokens: number): number {
    return this.fallback.estimateWaitMs(requests, tokens);
  }

  async coolDown(until: number): Promise<void> {
    if (!this.fallback.knowsLimits) this.aimd.rateLimited(this.options.clock.now(), until);
    const added = this.fallback.coolDown(until);
    try {
      this.coolDownTotal += await this.call("cooldown", [until]);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      this.coolDownTotal += added;
    }
    this.queue.wake();
  }

  async observe(snapshot: RateLimitSnapshot, permit?: RateLimitPermit): Promise<void> {
    const sequences = permit ? this.grantOf.get(permit) : undefined;
    const headerDelayMs = sequences && this.options.clock.now() - sequences.at;
    this.fallback.observe(snapshot, sequences?.local, headerDelayMs);
    if (this.fallback.knowsLimits) this.aimd.reset();
    else this.aimd.succeeded();
    if (!snapshot.requests && !snapshot.tokens) return;
    try {
      await this.call("observe", [
        ...quotaArguments("requests", snapshot.requests),
        ...quotaArguments("tokens", snapshot.tokens),
        sequences?.shared === undefined ? "" : String(sequences.shared),
        headerDelayMs === undefined ? "" : String(Math.round(headerDelayMs)),
      ]);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
    }
    this.queue.wake();
  }

  stats(): RateLimiterStats {
    const queue = this.queue.stats();
    return {
      inFlight: queue.inFlight,
      queued: queue.queued,
      coolDownMs: this.coolDownTotal,
      admitted: queue.admitted,
      queueWaitMs: queue.waitedMs,
      refused: queue.refused,
      concurrencyLimit: Math.floor(this.gate.limit),
    };
  }

  /** The estimate was taken from the token budget; settle the difference once the real count is known. */
  private correct(estimatedTokens: number, actualTokens: number | undefined): void {
    if (actualTokens === undefined || actualTokens === estimatedTokens) return;
    this.fallback.correct(estimatedTokens, actualTokens);
    if (this.tpm <= 0) return;
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
