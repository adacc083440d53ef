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
  /**
   * Tokens of history a window can ever send (its budget less the answer's reserve): older pairs
   * beyond it can never be sent, so they are not kept. Unbounded when unset.
   */
  maxTokensPerConversation?: number;
  /** Estimated bytes all conversations may hold together; the least recently used go first. */
  maxBytes?: number;
}

/** Bytes one pair takes in memory: JS strings are up to two bytes a character, plus the object. */
export function pairBytes(pair: HistoryPair): number {
  return 2 * (pair.user.length + pair.assistant.length) + 96;
}

/**
 * Bounded however many threads exist, and however long their messages are: an LRU cap on
 * conversations and on their total size, an idle TTL, and per thread a cap on pairs and on tokens.
 */
export class MemoryHistoryStore implements HistoryStore {
  private readonly conversations: LRUCache<string, HistoryPair[]>;
  private readonly maxPairs: number;
  private readonly maxTokens: number;

  constructor(options: MemoryHistoryStoreOptions) {
    this.conversations = new LRUCache<string, HistoryPair[]>({
      max: options.maxConversations,
      ttl: options.ttlMs,
      updateAgeOnGet: true,
      ...(options.maxBytes === undefined
        ? {}
        : {
            maxSize: options.maxBytes,
            sizeCalculation: historyBytes,
          }),
    });
    this.maxPairs = Math.max(1, options.maxPairsPerConversation);
    this.maxTokens = options.maxTokensPerConversation ?? Number.POSITIVE_INFINITY;
  }

  async read(key: string, limit: number): Promise<HistoryPair[]> {
    if (limit <= 0) return [];
    const pairs = this.conversations.get(key) ?? [];
    return pairs.slice(-limit);
  }

  async append(key: string, pair: HistoryPair): Promise<void> {
    const pairs = [...(this.conversations.get(key) ?? []), pair];
    const kept = this.newestWithinTokens(pairs.length > this.maxPairs ? pairs.slice(-this.maxPairs) : pairs);
    if (kept.length === 0) this.conversations.delete(key);
    else this.conversations.set(key, kept);
  }

  async clear(key: string): Promise<void> {
    this.conversations.delete(key);
  }

  get size(): number {
    return this.conversations.size;
  }

  /** Estimated bytes held (0 when no byte bound is set). */
  get bytes(): number {
    return this.conversations.calculatedSize ?? 0;
  }

  /** The newest pairs whose tokens together fit the cap: older ones could never be sent again. */
  private newestWithinTokens(pairs: HistoryPair[]): HistoryPair[] {
    let tokens = 0;
    let first = pairs.length;
    while (first > 0) {
      const pair = pairs[first - 1];
      if (!pair) break;
      tokens += pair.userTokens + pair.assistantTokens;
      if (tokens > this.maxTokens) break;
      first -= 1;
    }
    return first === 0 ? pairs : pairs.slice(first);
  }
}

/** What a conversation's pairs weigh for a byte-bounded cache (lru-cache wants at least 1). */
export function historyBytes(pairs: readonly HistoryPair[]): number {
  return Math.max(
    1,
    pairs.reduce((sum, pair) => sum + pairBytes(pair), 0),
  );
}
