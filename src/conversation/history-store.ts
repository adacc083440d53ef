import { LRUCache } from "lru-cache";

/** One exchange: the question and the answer it got. History is stored in whole pairs. */
export interface HistoryPair {
  user: string;
  assistant: string;
  /** Token counts cached at write time so the window never re-tokenizes old turns. */
  userTokens: number;
  assistantTokens: number;
}

/**
 * Per-conversation history. Small and async so that the Redis implementation fits the same contract
 * (test/contracts/history-store.contract.ts).
 */
export interface HistoryStore {
  /** The newest `limit` pairs, oldest first. */
  read(key: string, limit: number): Promise<HistoryPair[]>;
  append(key: string, pair: HistoryPair): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface MemoryHistoryStoreOptions {
  maxConversations: number;
  /** A conversation idle for this long is forgotten. */
  ttlMs: number;
  /** Pairs kept per conversation; older ones can never enter a window anyway. */
  maxPairsPerConversation: number;
}

/** Bounded however many threads exist: an LRU cap on conversations, an idle TTL and a per-thread cap. */
export class MemoryHistoryStore implements HistoryStore {
  private readonly conversations: LRUCache<string, HistoryPair[]>;
  private readonly maxPairs: number;

  constructor(options: MemoryHistoryStoreOptions) {
    this.conversations = new LRUCache({
      max: options.maxConversations,
      ttl: options.ttlMs,
      updateAgeOnGet: true,
    });
    this.maxPairs = Math.max(1, options.maxPairsPerConversation);
  }

  async read(key: string, limit: number): Promise<HistoryPair[]> {
    if (limit <= 0) return [];
    const pairs = this.conversations.get(key) ?? [];
    return pairs.slice(-limit);
  }

  async append(key: string, pair: HistoryPair): Promise<void> {
    const pairs = [...(this.conversations.get(key) ?? []), pair];
    this.conversations.set(key, pairs.length > this.maxPairs ? pairs.slice(-this.maxPairs) : pairs);
  }

  async clear(key: string): Promise<void> {
    this.conversations.delete(key);
  }

  get size(): number {
    return this.conversations.size;
  }
}
