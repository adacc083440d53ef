import { LRUCache } from "lru-cache";
import {
  type AnswerCache,
  type CachedAnswer,
  type CacheOutcome,
  type CacheStats,
  isCacheable,
} from "./answer-cache.ts";

interface FetchContext {
  compute: () => Promise<CachedAnswer>;
  computed: boolean;
}

/** lru-cache's `fetch()` coalesces concurrent fetches of one key into one call of `fetchMethod`. */
export class MemoryAnswerCache implements AnswerCache {
  private readonly cache: LRUCache<string, CachedAnswer, FetchContext>;
  private readonly counts: CacheStats = { hits: 0, misses: 0, coalesced: 0 };

  constructor(options: { maxEntries: number; ttlMs: number; maxBytes?: number }) {
    this.cache = new LRUCache<string, CachedAnswer, FetchContext>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      ...(options.maxBytes === undefined
        ? {}
        : {
            maxSize: options.maxBytes,
            // JS strings take up to two bytes a character; the key is a hash.
            sizeCalculation: (answer: CachedAnswer) => 2 * answer.text.length + 256,
          }),
      fetchMethod: async (_key, _stale, { context }) => {
        context.computed = true;
        return context.compute();
      },
    });
  }

  async resolve(
    key: string,
    compute: () => Promise<CachedAnswer>,
  ): Promise<{ answer: CachedAnswer; outcome: CacheOutcome }> {
    const cached = this.cache.get(key);
    if (cached) {
      this.counts.hits++;
      return { answer: cached, outcome: "hit" };
    }
    const context: FetchContext = { compute, computed: false };
    const answer = await this.cache.fetch(key, { context });
    if (!answer) throw new Error("answer cache fetch resolved without a value");
    if (!isCacheable(answer)) this.cache.delete(key);
    const outcome: CacheOutcome = context.computed ? "miss" : "coalesced";
    this.counts[outcome === "miss" ? "misses" : "coalesced"]++;
    return { answer, outcome };
  }

  stats(): CacheStats {
    return { ...this.counts };
  }

  get size(): number {
    return this.cache.size;
  }

  /** Estimated bytes held (0 when no byte bound is set). */
  get bytes(): number {
    return this.cache.calculatedSize ?? 0;
  }
}
