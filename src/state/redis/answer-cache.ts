import { randomUUID } from "node:crypto";
import {
  type AnswerCache,
  type CachedAnswer,
  type CacheOutcome,
  type CacheStats,
  isCacheable,
} from "../../cache/answer-cache.ts";
import { MemoryAnswerCache } from "../../cache/memory-answer-cache.ts";
import type { Clock } from "../../llm/clock.ts";
import type { RedisConnection } from "./connection.ts";
import { RedisUnavailableError } from "./errors.ts";
import type { RedisKeys } from "./keys.ts";

export interface RedisAnswerCacheOptions {
  keys: RedisKeys;
  ttlMs: number;
  clock: Clock;
  /** Entries of the in-memory cache used while Redis is away. */
  fallbackMaxEntries: number;
  /** How long one replica's computation holds the key; past it another replica may compute too. */
  lockMs?: number;
  /** How long a caller waits for another replica's answer before computing its own. */
  maxWaitMs?: number;
  pollMs?: number;
}

interface Resolution {
  answer: CachedAnswer;
  outcome: CacheOutcome;
}

/** Deletes the lock only if it is still ours: an expired lock may already belong to another replica. */
const releaseLockScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * Answers shared by all replicas with a TTL. One identical question asked on several replicas at once
 * makes one upstream call: the first takes a short `SET NX` lock, the others poll for the value for a
 * bounded time and then compute themselves rather than wait forever. Inside one process, identical
 * concurrent questions share one promise. Failed or incomplete answers are never stored.
 */
export class RedisAnswerCache implements AnswerCache {
  private readonly inProcess = new Map<string, Promise<Resolution>>();
  private readonly fallback: MemoryAnswerCache;
  private readonly counts: CacheStats = { hits: 0, misses: 0, coalesced: 0 };
  private readonly lockMs: number;
  private readonly maxWaitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisAnswerCacheOptions,
  ) {
    this.fallback = new MemoryAnswerCache({ maxEntries: options.fallbackMaxEntries, ttlMs: options.ttlMs });
    this.lockMs = options.lockMs ?? 30_000;
    this.maxWaitMs = options.maxWaitMs ?? 20_000;
    this.pollMs = options.pollMs ?? 100;
  }

  async resolve(key: string, compute: () => Promise<CachedAnswer>): Promise<Resolution> {
    const running = this.inProcess.get(key);
    if (running) {
      const { answer, outcome } = await running;
      return this.counted({ answer, outcome: outcome === "hit" ? "hit" : "coalesced" });
    }
    const work = this.resolveShared(key, compute);
    this.inProcess.set(key, work);
    try {
      return this.counted(await work);
    } finally {
      this.inProcess.delete(key);
    }
  }

  stats(): CacheStats {
    return { ...this.counts };
  }

  private counted(resolution: Resolution): Resolution {
    const field =
      resolution.outcome === "hit" ? "hits" : resolution.outcome === "miss" ? "misses" : "coalesced";
    this.counts[field]++;
    return resolution;
  }

  private async resolveShared(key: string, compute: () => Promise<CachedAnswer>): Promise<Resolution> {
    const { clock } = this.options;
    const token = randomUUID();
    const waitUntil = clock.now() + this.maxWaitMs;
    try {
      const cached = await this.read(key);
      if (cached) return { answer: cached, outcome: "hit" };
      for (;;) {
        if (await this.lock(key, token)) return await this.computeAndStore(key, compute, token);
        if (clock.now() >= waitUntil) return await this.computeAndStore(key, compute, undefined);
        await clock.sleep(this.pollMs);
        const shared = await this.read(key);
        if (shared) return { answer: shared, outcome: "coalesced" };
      }
    } catch (error) {
      // Redis went away before anything was computed: this process's cache serves until it returns.
      if (error instanceof RedisUnavailableError) return this.fallback.resolve(key, compute);
      throw error;
    }
  }

  /** Computes; stores a complete answer; releases the lock either way so waiters stop waiting. */
  private async computeAndStore(
    key: string,
    compute: () => Promise<CachedAnswer>,
    token: string | undefined,
  ): Promise<Resolution> {
    let answer: CachedAnswer;
    try {
      answer = await compute();
    } catch (error) {
      if (token) await this.unlock(key, token);
      // Not a RedisUnavailableError path: the caller must see the upstream failure as it is.
      throw error instanceof RedisUnavailableError ? new Error(error.message, { cause: error }) : error;
    }
    if (isCacheable(answer)) await this.store(key, answer);
    if (token) await this.unlock(key, token);
    return { answer, outcome: "miss" };
  }

  private async read(key: string): Promise<CachedAnswer | undefined> {
    const raw = await this.redis.run("cache read", (client) => client.get(this.options.keys.cacheEntry(key)));
    return raw === null ? undefined : parseAnswer(raw);
  }

  private async lock(key: string, token: string): Promise<boolean> {
    const reply = await this.redis.run("cache lock", (client) =>
      client.set(this.options.keys.cacheLock(key), token, {
        condition: "NX",
        expiration: { type: "PX", value: this.lockMs },
      }),
    );
    return reply === "OK";
  }

  /** Best effort: a lost write only costs a later recomputation. */
  private async store(key: string, answer: CachedAnswer): Promise<void> {
    const value = JSON.stringify({
      text: answer.text,
      usage: answer.usage,
      finishReason: answer.finishReason,
    });
    await this.redis
      .run("cache write", (client) =>
        client.set(this.options.keys.cacheEntry(key), value, {
          expiration: { type: "PX", value: Math.max(1, Math.round(this.options.ttlMs)) },
        }),
      )
      .catch(ignoreUnavailable);
  }

  /** Best effort: an unreleased lock expires by itself after `lockMs`. */
  private async unlock(key: string, token: string): Promise<void> {
    await this.redis
      .run("cache unlock", (client) =>
        client.eval(releaseLockScript, { keys: [this.options.keys.cacheLock(key)], arguments: [token] }),
      )
      .catch(ignoreUnavailable);
  }
}

function ignoreUnavailable(error: unknown): void {
  if (!(error instanceof RedisUnavailableError)) throw error;
}

function parseAnswer(raw: string): CachedAnswer | undefined {
  try {
    const value = JSON.parse(raw) as Partial<CachedAnswer>;
    if (typeof value.text !== "string" || typeof value.finishReason !== "string") return undefined;
    return { text: value.text, usage: value.usage ?? undefined, finishReason: value.finishReason };
  } catch {
    return undefined;
  }
}
