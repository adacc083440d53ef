import { LRUCache } from "lru-cache";

/**
 * Remembers delivery ids (Slack event_id, Discord message id) so a redelivered event is handled once.
 * The Redis implementation shares the memory across replicas.
 */
export interface DedupeStore {
  /** True the first time `id` is seen within `ttlSeconds`; false for every repeat. */
  firstSeen(id: string, ttlSeconds?: number): Promise<boolean>;
}

export class MemoryDedupeStore implements DedupeStore {
  private readonly seen: LRUCache<string, true>;

  constructor(maxEntries = 50_000, defaultTtlSeconds = 3600) {
    this.seen = new LRUCache({ max: maxEntries, ttl: defaultTtlSeconds * 1000 });
  }

  async firstSeen(id: string, ttlSeconds?: number): Promise<boolean> {
    if (this.seen.has(id)) return false;
    this.seen.set(id, true, ttlSeconds === undefined ? {} : { ttl: ttlSeconds * 1000 });
    return true;
  }
}
