import { LRUCache } from "lru-cache";
import { emptyTotals, type RankedEntry, type UsageStore, type UsageTotals } from "../../usage/usage-store.ts";
import type { RedisConnection } from "./connection.ts";
import { RedisUnavailableError } from "./errors.ts";
import type { RedisKeys } from "./keys.ts";

export interface RedisUsageStoreOptions {
  keys: RedisKeys;
  /** Per-conversation counters expire with the conversation's history. */
  conversationTtlSeconds: number;
  /** Daily and monthly counters and leaderboards: long enough for a year-over-year report. */
  periodTtlSeconds?: number;
}

type Field = keyof UsageTotals;
const fields = (): Field[] => Object.keys(emptyTotals()) as Field[];

function sum(a: UsageTotals, b: UsageTotals): UsageTotals {
  const total = emptyTotals();
  for (const field of fields()) total[field] = a[field] + b[field];
  return total;
}

/**
 * One hash per counter key (HINCRBY per field) and one sorted set per leaderboard (ZINCRBY): atomic
 * across replicas. Increments made while Redis is away are kept here and added once it returns, so
 * an outage delays the counts instead of losing them.
 */
export class RedisUsageStore implements UsageStore {
  private readonly pendingTotals = new LRUCache<string, UsageTotals>({ max: 100_000 });
  private readonly pendingRanks = new LRUCache<string, Map<string, number>>({ max: 10_000 });
  private readonly lastSeen = new LRUCache<string, UsageTotals>({ max: 10_000 });
  private readonly periodTtl: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisUsageStoreOptions,
  ) {
    this.periodTtl = options.periodTtlSeconds ?? 400 * 24 * 3600;
    redis.onRecovered(() => this.flush());
  }

  async add(keys: readonly string[], delta: UsageTotals): Promise<void> {
    try {
      await this.writeTotals(keys.map((key) => [key, delta] as const));
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      for (const key of keys)
        this.pendingTotals.set(key, sum(this.pendingTotals.get(key) ?? emptyTotals(), delta));
    }
  }

  async get(key: string): Promise<UsageTotals> {
    const pending = this.pendingTotals.get(key) ?? emptyTotals();
    try {
      const raw = await this.redis.run("usage read", (client) =>
        client.hGetAll(this.options.keys.usage(key)),
      );
      const stored = emptyTotals();
      for (const field of fields()) stored[field] = Number(raw[field] ?? 0) || 0;
      this.lastSeen.set(key, stored);
      return sum(stored, pending);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      return sum(this.lastSeen.get(key) ?? emptyTotals(), pending);
    }
  }

  async rank(board: string, member: string, score: number): Promise<void> {
    try {
      await this.writeRanks([[board, new Map([[member, score]])]]);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      const members = this.pendingRanks.get(board) ?? new Map<string, number>();
      members.set(member, (members.get(member) ?? 0) + score);
      this.pendingRanks.set(board, members);
    }
  }

  async top(board: string, limit: number): Promise<RankedEntry[]> {
    if (limit <= 0) return [];
    const scores = new Map(this.pendingRanks.get(board) ?? []);
    try {
      const entries = await this.redis.run("usage ranking", (client) =>
        client.zRangeWithScores(this.options.keys.board(board), 0, limit - 1, { REV: true }),
      );
      for (const { value, score } of entries) scores.set(value, (scores.get(value) ?? 0) + score);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
    }
    return [...scores.entries()]
      .map(([member, score]) => ({ member, score }))
      .sort((a, b) => b.score - a.score || a.member.localeCompare(b.member))
      .slice(0, limit);
  }

  /** Adds what was counted during an outage; on a new failure it stays pending for the next recovery. */
  async flush(): Promise<void> {
    const totals = [...this.pendingTotals.entries()];
    const ranks = [...this.pendingRanks.entries()];
    this.pendingTotals.clear();
    this.pendingRanks.clear();
    // Each batch is one MULTI (all or nothing), so re-buffering a failed batch does not double count,
    // except in the rare case of a reply lost after EXEC ran.
    try {
      await this.writeTotals(totals);
    } catch (error) {
      for (const [key, delta] of totals)
        this.pendingTotals.set(key, sum(this.pendingTotals.get(key) ?? emptyTotals(), delta));
      this.rebufferRanks(ranks);
      throw error;
    }
    try {
      await this.writeRanks(ranks);
    } catch (error) {
      this.rebufferRanks(ranks);
      throw error;
    }
  }

  private rebufferRanks(ranks: readonly (readonly [string, Map<string, number>])[]): void {
    for (const [board, members] of ranks) {
      const merged = this.pendingRanks.get(board) ?? new Map<string, number>();
      for (const [member, score] of members) merged.set(member, (merged.get(member) ?? 0) + score);
      this.pendingRanks.set(board, merged);
    }
  }

  private async writeTotals(entries: readonly (readonly [string, UsageTotals])[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.run("usage add", async (client) => {
      const batch = client.multi();
      for (const [key, delta] of entries) {
        const redisKey = this.options.keys.usage(key);
        for (const field of fields()) {
          const amount = delta[field];
          if (!amount) continue;
          if (Number.isInteger(amount)) batch.hIncrBy(redisKey, field, amount);
          else batch.hIncrByFloat(redisKey, field, amount);
        }
        const ttl = this.ttlFor(key);
        if (ttl !== undefined) batch.expire(redisKey, ttl);
      }
      await batch.exec();
    });
  }

  private async writeRanks(entries: readonly (readonly [string, Map<string, number>])[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.run("usage rank", async (client) => {
      const batch = client.multi();
      for (const [board, members] of entries) {
        const redisKey = this.options.keys.board(board);
        for (const [member, score] of members) batch.zIncrBy(redisKey, score, member);
        batch.expire(redisKey, this.periodTtl);
      }
      await batch.exec();
    });
  }

  /** Totals per user or workspace are kept; periods and conversations age out. */
  private ttlFor(key: string): number | undefined {
    if (key.startsWith("conv:")) return this.options.conversationTtlSeconds;
    if (/:(day|month):/.test(key)) return this.periodTtl;
    return undefined;
  }
}
