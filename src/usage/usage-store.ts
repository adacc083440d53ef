import { LRUCache } from "lru-cache";

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Answers served from the cache: no upstream cost. */
  cachedAnswers: number;
  /** Tokens the cache hits would have cost. */
  savedTokens: number;
  /** Estimated cost in micro-dollars (see PriceTable). */
  costMicros: number;
}

export const emptyTotals = (): UsageTotals => ({
  requests: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedAnswers: 0,
  savedTokens: 0,
  costMicros: 0,
});

export interface RankedEntry {
  member: string;
  score: number;
}

/**
 * Counters by dimension key (see usage-keys.ts): one increment per key per answer. Kept this small so
 * Redis can back it with one hash per key.
 */
export interface UsageStore {
  add(keys: readonly string[], delta: UsageTotals): Promise<void>;
  get(key: string): Promise<UsageTotals>;
  /** Adds `score` to `member` on a leaderboard (top users, top channels). */
  rank(board: string, member: string, score: number): Promise<void>;
  /** The `limit` highest members of a board, highest first. */
  top(board: string, limit: number): Promise<RankedEntry[]>;
}

export class MemoryUsageStore implements UsageStore {
  private readonly counters: LRUCache<string, UsageTotals>;
  private readonly boards = new LRUCache<string, Map<string, number>>({ max: 10_000 });

  /**
   * `maxKeys` bounds memory however many conversations pass through: the least recently used
   * counters go first (an idle conversation's, long before an active user's daily budget).
   */
  constructor(options: { maxKeys?: number } = {}) {
    this.counters = new LRUCache({ max: options.maxKeys ?? 200_000 });
  }

  async add(keys: readonly string[], delta: UsageTotals): Promise<void> {
    for (const key of keys) {
      const current = this.counters.get(key) ?? emptyTotals();
      this.counters.set(key, {
        requests: current.requests + delta.requests,
        promptTokens: current.promptTokens + delta.promptTokens,
        completionTokens: current.completionTokens + delta.completionTokens,
        cachedAnswers: current.cachedAnswers + delta.cachedAnswers,
        savedTokens: current.savedTokens + delta.savedTokens,
        costMicros: current.costMicros + delta.costMicros,
      });
    }
  }

  async get(key: string): Promise<UsageTotals> {
    return { ...(this.counters.get(key) ?? emptyTotals()) };
  }

  async rank(board: string, member: string, score: number): Promise<void> {
    let entries = this.boards.get(board);
    if (!entries) {
      entries = new Map();
      this.boards.set(board, entries);
    }
    entries.set(member, (entries.get(member) ?? 0) + score);
  }

  async top(board: string, limit: number): Promise<RankedEntry[]> {
    const entries = [...(this.boards.get(board) ?? new Map<string, number>()).entries()];
    return entries
      .map(([member, score]) => ({ member, score }))
      .sort((a, b) => b.score - a.score || a.member.localeCompare(b.member))
      .slice(0, limit);
  }
}
