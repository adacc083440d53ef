import { type DedupeStore, MemoryDedupeStore } from "../dedupe.ts";
import type { RedisConnection } from "./connection.ts";
import { RedisUnavailableError } from "./errors.ts";
import type { RedisKeys } from "./keys.ts";

/**
 * `SET NX EX` on the delivery id: of two replicas that receive the same Slack event or Discord message,
 * exactly one gets true. While Redis is away each process dedupes on its own (a redelivery to the same
 * process is still caught; one to another replica may be answered twice until Redis returns).
 */
export class RedisDedupeStore implements DedupeStore {
  private readonly fallback = new MemoryDedupeStore();

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly defaultTtlSeconds = 3600,
  ) {}

  async firstSeen(id: string, ttlSeconds?: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds ?? this.defaultTtlSeconds));
    try {
      const reply = await this.redis.run("dedupe", (client) =>
        client.set(this.keys.dedupe(id), "1", { condition: "NX", expiration: { type: "EX", value: ttl } }),
      );
      // Remembered locally too, so a redelivery during a later outage is still caught here; and an id
      // this process saw while Redis was away (Redis came back without it) is still a repeat.
      const newHere = await this.fallback.firstSeen(id, ttl);
      return reply === "OK" && newHere;
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      return this.fallback.firstSeen(id, ttl);
    }
  }
}
