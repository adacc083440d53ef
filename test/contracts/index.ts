/**
 * Contract suites for the state interfaces. Run them against any implementation, e.g. in a Redis
 * test file: `historyStoreContract("redis", () => makeRedisHistoryStore(freshPrefix()))`.
 * test/contracts/memory.test.ts runs them on the in-memory implementations.
 */
export { type AnswerCacheHarness, answerCacheContract } from "./answer-cache.contract.ts";
export { type DedupeStoreHarness, dedupeStoreContract } from "./dedupe-store.contract.ts";
export { historyStoreContract } from "./history-store.contract.ts";
export {
  type RateLimiterHarness,
  type RateLimiterOptions,
  rateLimiterContract,
} from "./rate-limiter.contract.ts";
export { settingsStoreContract } from "./settings-store.contract.ts";
export { ManualClock, type Settle, settleMicrotasks } from "./support/manual-clock.ts";
export type { TimeControl } from "./support/time-control.ts";
export { usageStoreContract } from "./usage-store.contract.ts";
