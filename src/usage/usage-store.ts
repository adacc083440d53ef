import { LRUCache } from "lru-cache";

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Answers served from the cache: no upstream cost. */
  cachedAnswers: number;
  /** Tokens the cache hits would have cost. */
  savedTokens: number;
}

export const emptyTotals = (): UsageTotals => ({
  requests: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedAnswers: 0,
  savedTokens: 0,
});

/**
 * Counters by dimension key (see usage-keys.ts): one increment per key per answer. Kept this small so
 * Redis can back it with one hash per key.
 */
export interface UsageStore {
  add(keys: readonly string[], delta: UsageTotals): Promise<void>;
  get(key: string): Promise<UsageTotals>;
}

export class MemoryUsageStore implements UsageStore {
  private readonly counters = new LRUCache<string, UsageTotals>({ max: 200_000 });

  async add(keys: readonly string[], delta: UsageTotals): Promise<void> {
    for (const key of keys) {
      const current = this.counters.get(key) ?? emptyTotals();
      this.counters.set(key, {
        requests: current.requests + delta.requests,
        promptTokens: current.promptTokens + delta.promptTokens,
        completionTokens: current.completionTokens + delta.completionTokens,
        cachedAnswers: current.cachedAnswers + delta.cachedAnswers,
        savedTokens: current.savedTokens + delta.savedTokens,
      });
    }
  }

  async get(key: string): Promise<UsageTotals> {
    return { ...(this.counters.get(key) ?? emptyTotals()) };
  }
}
