import type { Clock } from "../../llm/clock.ts";
import type { Logger } from "../../observability/logger.ts";
import { type StateStores, type StoresConfig, storeLimits } from "../stores.ts";
import { RedisAnswerCache, type RedisAnswerCacheOptions } from "./answer-cache.ts";
import { RedisConnection, type RedisConnectionOptions } from "./connection.ts";
import { RedisDedupeStore } from "./dedupe-store.ts";
import { RedisHistoryStore } from "./history-store.ts";
import { defaultKeyPrefix, redisKeys } from "./keys.ts";
import { RedisRateLimiter } from "./rate-limiter.ts";
import { RedisSettingsStore } from "./settings-store.ts";
import { RedisUsageStore } from "./usage-store.ts";

export type RedisStoresConfig = StoresConfig;

export interface RedisStoresOptions {
  /** Key prefix; lets one Redis serve several bots, or tests run side by side. */
  keyPrefix?: string;
  /** Connection tuning (timeouts, back-off); mostly for tests. */
  connection?: Omit<RedisConnectionOptions, "url" | "logger">;
  cache?: Pick<RedisAnswerCacheOptions, "lockMs" | "maxWaitMs" | "pollMs">;
}

export interface RedisStores {
  stores: StateStores;
  /** Connected and not in an outage; what /readyz reports for Redis. */
  isReady(): boolean;
  /** Closes the connection; call after the adapters stopped and in-flight answers finished. */
  close(): Promise<void>;
  /** Outage events and the raw client, for readiness probes and tests. */
  connection: RedisConnection;
}

/**
 * Every piece of shared state on Redis, so that several processes behave as one bot. Rejects with a
 * `RedisStartupError` (clear message, no credentials) when Redis cannot be reached at start; once
 * running, an outage degrades each store to memory where that is safe and never crashes the process.
 */
export async function createRedisStores(
  url: string,
  config: RedisStoresConfig,
  clock: Clock,
  logger: Logger,
  options: RedisStoresOptions = {},
): Promise<RedisStores> {
  const connection = await RedisConnection.connect({
    ...options.connection,
    url,
    logger: logger.child({ component: "redis" }),
  });
  const keys = redisKeys(options.keyPrefix ?? defaultKeyPrefix);
  const limits = storeLimits(config);
  // Pairs written during an outage, replayed later: bounded by the history cap, and by 10k at most.
  const localConversations = Math.min(limits.conversations, 10_000);
  const stores: StateStores = {
    history: new RedisHistoryStore(connection, {
      keys,
      ttlSeconds: config.HISTORY_TTL_SECONDS,
      maxPairsPerConversation: limits.pairsPerConversation,
      localConversations,
      localMaxBytes: limits.historyBytes,
    }),
    cache:
      limits.cacheTtlMs > 0
        ? new RedisAnswerCache(connection, {
            keys,
            clock,
            ttlMs: limits.cacheTtlMs,
            fallbackMaxEntries: limits.cacheEntries,
            ...options.cache,
          })
        : undefined,
    settings: new RedisSettingsStore(connection, keys),
    usage: new RedisUsageStore(connection, { keys, conversationTtlSeconds: config.HISTORY_TTL_SECONDS }),
    dedupe: new RedisDedupeStore(connection, keys),
    limiter: new RedisRateLimiter(connection, {
      keys,
      clock,
      ...limits.pacing,
    }),
  };
  return {
    stores,
    isReady: () => connection.isReady(),
    close: () => connection.close(),
    connection,
  };
}
