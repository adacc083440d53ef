import { LRUCache } from "lru-cache";
import { type HistoryPair, type HistoryStore, historyBytes } from "../../conversation/history-store.ts";
import type { RedisConnection } from "./connection.ts";
import { RedisUnavailableError } from "./errors.ts";
import type { RedisKeys } from "./keys.ts";

export interface RedisHistoryStoreOptions {
  keys: RedisKeys;
  /** A conversation idle for this long expires (EXPIRE refreshed on every append). */
  ttlSeconds: number;
  maxPairsPerConversation: number;
  /** Conversations remembered locally to keep answering with context while Redis is away. */
  localConversations: number;
  /** Estimated bytes the local copy may hold (HISTORY_MAX_MB), so that it is bounded by size too. */
  localMaxBytes?: number;
}

/** What happened to a conversation while Redis was away, replayed in order once it is back. */
interface PendingChanges {
  cleared: boolean;
  pairs: HistoryPair[];
}

/**
 * One Redis list per conversation (RPUSH + LTRIM + EXPIRE), so every replica sees the same thread and
 * a restart keeps it. A local copy of recently used conversations lets answers keep their context
 * during an outage; changes made meanwhile are written back when Redis returns.
 */
export class RedisHistoryStore implements HistoryStore {
  private readonly maxPairs: number;
  private readonly local: LRUCache<string, HistoryPair[]>;
  private readonly pending: LRUCache<string, PendingChanges>;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisHistoryStoreOptions,
  ) {
    this.maxPairs = Math.max(1, options.maxPairsPerConversation);
    const max = Math.max(1, options.localConversations);
    this.local = new LRUCache<string, HistoryPair[]>({
      max,
      ttl: options.ttlSeconds * 1000,
      updateAgeOnGet: true,
      ...(options.localMaxBytes === undefined
        ? {}
        : {
            maxSize: options.localMaxBytes,
            sizeCalculation: historyBytes,
          }),
    });
    this.pending = new LRUCache({ max });
    redis.onRecovered(() => this.replayAll());
  }

  async read(key: string, limit: number): Promise<HistoryPair[]> {
    if (limit <= 0) return [];
    try {
      await this.replay(key);
      const raw = await this.redis.run("history read", (client) =>
        client.lRange(this.options.keys.history(key), -limit, -1),
      );
      const pairs = raw.map(parsePair).filter((pair): pair is HistoryPair => pair !== undefined);
      this.local.set(key, pairs);
      return pairs;
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      return (this.local.get(key) ?? []).slice(-limit);
    }
  }

  async append(key: string, pair: HistoryPair): Promise<void> {
    this.local.set(key, [...(this.local.get(key) ?? []), pair].slice(-this.maxPairs));
    try {
      await this.replay(key);
      await this.write(key, { cleared: false, pairs: [pair] });
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      const pending = this.pending.get(key) ?? { cleared: false, pairs: [] };
      this.pending.set(key, {
        cleared: pending.cleared,
        pairs: [...pending.pairs, pair].slice(-this.maxPairs),
      });
    }
  }

  async clear(key: string): Promise<void> {
    this.local.delete(key);
    try {
      this.pending.delete(key);
      await this.redis.run("history clear", (client) => client.del(this.options.keys.history(key)));
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      // Remembered so the old thread does not come back from Redis after the outage.
      this.pending.set(key, { cleared: true, pairs: [] });
    }
  }

  /** Writes back everything buffered during an outage; stops at the first failure (a new outage). */
  async replayAll(): Promise<void> {
    for (const key of [...this.pending.keys()]) await this.replay(key);
  }

  private async replay(key: string): Promise<void> {
    const changes = this.pending.get(key);
    if (!changes) return;
    this.pending.delete(key);
    try {
      await this.write(key, changes);
    } catch (error) {
      // Put it back in front of anything buffered since, unless a later clear made it moot.
      const newer = this.pending.get(key);
      if (!newer?.cleared) {
        this.pending.set(key, {
          cleared: changes.cleared,
          pairs: [...changes.pairs, ...(newer?.pairs ?? [])].slice(-this.maxPairs),
        });
      }
      throw error;
    }
  }

  private async write(key: string, changes: PendingChanges): Promise<void> {
    const listKey = this.options.keys.history(key);
    await this.redis.run("history append", async (client) => {
      const batch = client.multi();
      if (changes.cleared) batch.del(listKey);
      if (changes.pairs.length > 0) {
        batch.rPush(
          listKey,
          changes.pairs.map((pair) => JSON.stringify(pair)),
        );
        batch.lTrim(listKey, -this.maxPairs, -1);
        batch.expire(listKey, this.options.ttlSeconds);
      }
      await batch.exec();
    });
  }
}

function parsePair(raw: string): HistoryPair | undefined {
  try {
    const value = JSON.parse(raw) as Partial<HistoryPair>;
    if (typeof value.user !== "string" || typeof value.assistant !== "string") return undefined;
    return {
      user: value.user,
      assistant: value.assistant,
      userTokens: typeof value.userTokens === "number" ? value.userTokens : 0,
      assistantTokens: typeof value.assistantTokens === "number" ? value.assistantTokens : 0,
    };
  } catch {
    // A foreign or corrupted entry must not break the conversation; it just drops out of the window.
    return undefined;
  }
}
