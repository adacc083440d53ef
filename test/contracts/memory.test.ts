import { MemoryAnswerCache } from "../../src/cache/memory-answer-cache.ts";
import { MemoryHistoryStore } from "../../src/conversation/history-store.ts";
import { MemorySettingsStore } from "../../src/conversation/settings-store.ts";
import { MemoryRateLimiter } from "../../src/llm/memory-rate-limiter.ts";
import { MemoryDedupeStore } from "../../src/state/dedupe.ts";
import { MemoryUsageStore } from "../../src/usage/usage-store.ts";
import { advanceTime, useFakeTime, useRealTime } from "../core/support/fake-time.ts";
import { answerCacheContract } from "./answer-cache.contract.ts";
import { dedupeStoreContract } from "./dedupe-store.contract.ts";
import { historyStoreContract } from "./history-store.contract.ts";
import { rateLimiterContract } from "./rate-limiter.contract.ts";
import { settingsStoreContract } from "./settings-store.contract.ts";
import type { TimeControl } from "./support/time-control.ts";
import { usageStoreContract } from "./usage-store.contract.ts";

const fakeTime: TimeControl = { start: useFakeTime, advance: advanceTime, stop: useRealTime };

historyStoreContract(
  "memory",
  async () =>
    new MemoryHistoryStore({ maxConversations: 1000, ttlMs: 3_600_000, maxPairsPerConversation: 50 }),
);

answerCacheContract("memory", {
  makeCache: async ({ ttlMs }) => new MemoryAnswerCache({ maxEntries: 1000, ttlMs }),
  time: fakeTime,
});

dedupeStoreContract("memory", {
  makeStore: async ({ defaultTtlSeconds }) => new MemoryDedupeStore(10_000, defaultTtlSeconds),
  time: fakeTime,
});

settingsStoreContract("memory", async () => new MemorySettingsStore());

usageStoreContract("memory", async () => new MemoryUsageStore());

rateLimiterContract("memory", {
  makeLimiter: async (options) => new MemoryRateLimiter(options),
});
