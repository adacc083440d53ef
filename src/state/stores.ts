import type { AnswerCache } from "../cache/answer-cache.ts";
import { MemoryAnswerCache } from "../cache/memory-answer-cache.ts";
import type { Config } from "../config/config.ts";
import { type HistoryStore, MemoryHistoryStore } from "../conversation/history-store.ts";
import { pairsForMessages } from "../conversation/history-window.ts";
import { MemorySettingsStore, type SettingsStore } from "../conversation/settings-store.ts";
import type { Clock } from "../llm/clock.ts";
import { MemoryRateLimiter } from "../llm/memory-rate-limiter.ts";
import type { RateLimiter } from "../llm/rate-limiter.ts";
import { MemoryUsageStore, type UsageStore } from "../usage/usage-store.ts";
import { type DedupeStore, MemoryDedupeStore } from "./dedupe.ts";

/** The stores behind the engine; in memory by default, on Redis when several replicas share state. */
export interface StateStores {
  history: HistoryStore;
  /** Undefined when CACHE_TTL_SECONDS is 0: the answer cache is off. */
  cache: AnswerCache | undefined;
  settings: SettingsStore;
  usage: UsageStore;
  dedupe: DedupeStore;
  limiter: RateLimiter;
}

export type StoresConfig = Pick<
  Config,
  | "HISTORY_TTL_SECONDS"
  | "HISTORY_MAX_MESSAGES"
  | "HISTORY_MAX_CONVERSATIONS"
  | "HISTORY_MAX_MB"
  | "HISTORY_MAX_TOKENS"
  | "MODEL_CONTEXT_TOKENS"
  | "MAX_TOKENS"
  | "CACHE_TTL_SECONDS"
  | "CACHE_MAX_ENTRIES"
  | "CACHE_MAX_MB"
  | "LLM_MAX_CONCURRENCY"
  | "LLM_RPM"
  | "LLM_TPM"
>;

/**
 * Every limit a store takes, derived once from the configuration so that the memory and the Redis
 * stores (and the history window) can never disagree about it.
 */
export function storeLimits(config: StoresConfig) {
  return {
    /** A store keeps no more pairs, and no more tokens, than the window can ever send. */
    pairsPerConversation: pairsForMessages(config.HISTORY_MAX_MESSAGES),
    tokensPerConversation: Math.max(
      1,
      Math.min(config.HISTORY_MAX_TOKENS, config.MODEL_CONTEXT_TOKENS) - config.MAX_TOKENS,
    ),
    historyBytes: config.HISTORY_MAX_MB * 1024 * 1024,
    cacheBytes: config.CACHE_MAX_MB * 1024 * 1024,
    conversations: config.HISTORY_MAX_CONVERSATIONS,
    historyTtlMs: config.HISTORY_TTL_SECONDS * 1000,
    cacheTtlMs: config.CACHE_TTL_SECONDS * 1000,
    cacheEntries: config.CACHE_MAX_ENTRIES,
    // Per-conversation counters follow the history cap; users, channels and days need far fewer keys.
    usageKeys: config.HISTORY_MAX_CONVERSATIONS + 50_000,
    pacing: {
      maxConcurrency: config.LLM_MAX_CONCURRENCY,
      requestsPerMinute: config.LLM_RPM,
      tokensPerMinute: config.LLM_TPM,
    },
  };
}

type StoreBuilders = { [K in keyof StateStores]: () => StateStores[K] };

function memoryBuilders(config: StoresConfig, clock: Clock): StoreBuilders {
  const limits = storeLimits(config);
  return {
    history: () =>
      new MemoryHistoryStore({
        maxConversations: limits.conversations,
        ttlMs: limits.historyTtlMs,
        maxPairsPerConversation: limits.pairsPerConversation,
        maxTokensPerConversation: limits.tokensPerConversation,
        maxBytes: limits.historyBytes,
      }),
    cache: () =>
      limits.cacheTtlMs > 0
        ? new MemoryAnswerCache({
            maxEntries: limits.cacheEntries,
            ttlMs: limits.cacheTtlMs,
            maxBytes: limits.cacheBytes,
          })
        : undefined,
    settings: () => new MemorySettingsStore(),
    usage: () => new MemoryUsageStore({ maxKeys: limits.usageKeys }),
    dedupe: () => new MemoryDedupeStore(),
    limiter: () => new MemoryRateLimiter({ clock, ...limits.pacing }),
  };
}

/**
 * In-memory stores for what `given` leaves out. Only the missing ones are built: a limiter or cache
 * built and thrown away would still hold timers and memory.
 */
export function createMemoryStores(
  config: StoresConfig,
  clock: Clock,
  given: Partial<StateStores> = {},
): StateStores {
  const build = memoryBuilders(config, clock);
  const pick = <K extends keyof StateStores>(name: K): StateStores[K] =>
    name in given ? (given[name] as StateStores[K]) : build[name]();
  return {
    history: pick("history"),
    cache: pick("cache"),
    settings: pick("settings"),
    usage: pick("usage"),
    dedupe: pick("dedupe"),
    limiter: pick("limiter"),
  };
}
