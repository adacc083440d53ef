import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll } from "vitest";
import { systemClock } from "../../src/llm/clock.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { RedisAnswerCache } from "../../src/state/redis/answer-cache.ts";
import { RedisConnection } from "../../src/state/redis/connection.ts";
import { RedisDedupeStore } from "../../src/state/redis/dedupe-store.ts";
import { RedisHistoryStore } from "../../src/state/redis/history-store.ts";
import { redisKeys } from "../../src/state/redis/keys.ts";
import { RedisRateLimiter } from "../../src/state/redis/rate-limiter.ts";
import { RedisSettingsStore } from "../../src/state/redis/settings-store.ts";
import { RedisUsageStore } from "../../src/state/redis/usage-store.ts";
import { answerCacheContract } from "../contracts/answer-cache.contract.ts";
import { dedupeStoreContract } from "../contracts/dedupe-store.contract.ts";
import { historyStoreContract } from "../contracts/history-store.contract.ts";
import { rateLimiterContract } from "../contracts/rate-limiter.contract.ts";
import { settingsStoreContract } from "../contracts/settings-store.contract.ts";
import type { TimeControl } from "../contracts/support/time-control.ts";
import { usageStoreContract } from "../contracts/usage-store.contract.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";

// The same contract suites as the in-memory stores (test/contracts/memory.test.ts), against a real
// redis-server. Every store gets its own key prefix, so the cases never see each other's data.
let server: RedisServer;
let connection: RedisConnection;

beforeAll(async () => {
  server = await startRedisServer();
  connection = await RedisConnection.connect({ url: server.url, logger: silentLogger });
});

afterAll(async () => {
  await connection?.close();
  await server?.close();
});

const freshKeys = () => redisKeys(`contract-${randomUUID()}:`);

/** Redis cannot fast-forward its clock: the TTL cases really wait (their TTLs are two seconds). */
const realTime: TimeControl = { start: () => {}, advance: (ms) => delay(ms), stop: () => {} };

historyStoreContract(
  "redis",
  async () =>
    new RedisHistoryStore(connection, {
      keys: freshKeys(),
      ttlSeconds: 3600,
      maxPairsPerConversation: 50,
      localConversations: 100,
    }),
);

answerCacheContract("redis", {
  makeCache: async ({ ttlMs }) =>
    new RedisAnswerCache(connection, {
      keys: freshKeys(),
      ttlMs,
      clock: systemClock,
      fallbackMaxEntries: 100,
    }),
  time: realTime,
});

dedupeStoreContract("redis", {
  makeStore: async ({ defaultTtlSeconds }) =>
    new RedisDedupeStore(connection, freshKeys(), defaultTtlSeconds),
  time: realTime,
});

settingsStoreContract("redis", async () => new RedisSettingsStore(connection, freshKeys()));

usageStoreContract(
  "redis",
  async () => new RedisUsageStore(connection, { keys: freshKeys(), conversationTtlSeconds: 3600 }),
);

rateLimiterContract("redis", {
  makeLimiter: async (options) => new RedisRateLimiter(connection, { keys: freshKeys(), ...options }),
  // Each limiter step is a Lua round trip; a PING on the same connection returns after it.
  settle: async () => {
    for (let i = 0; i < 6; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await connection.client.ping();
    }
  },
});
