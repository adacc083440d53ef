import type { AdapterServices } from "../adapter.ts";
import type { AnswerCache } from "../cache/answer-cache.ts";
import { MemoryAnswerCache } from "../cache/memory-answer-cache.ts";
import type { Config } from "../config/config.ts";
import { type HistoryStore, MemoryHistoryStore } from "../conversation/history-store.ts";
import { HistoryWindow } from "../conversation/history-window.ts";
import { MemorySettingsStore, type SettingsStore } from "../conversation/settings-store.ts";
import { TokenCounter } from "../conversation/token-counter.ts";
import { Engine, type EngineObserver } from "../engine/engine.ts";
import { Governance } from "../governance/governance.ts";
import { resolveLocale } from "../i18n/translate.ts";
import { type Clock, systemClock } from "../llm/clock.ts";
import { MemoryRateLimiter } from "../llm/memory-rate-limiter.ts";
import { type AttemptOutcome, OpenAiChatClient } from "../llm/openai-client.ts";
import type { RateLimiter } from "../llm/rate-limiter.ts";
import { RetryPolicy } from "../llm/retry-policy.ts";
import type { LlmClient } from "../llm/types.ts";
import type { Logger } from "../observability/logger.ts";
import { configuredSecrets } from "../observability/secret-scrubber.ts";
import { type DedupeStore, MemoryDedupeStore } from "../state/dedupe.ts";
import { MemoryUsageStore, type UsageStore } from "../usage/usage-store.ts";

/** The stores behind the engine; in-memory by default, Redis-backed when several replicas share state. */
export interface StateStores {
  history: HistoryStore;
  cache: AnswerCache | undefined;
  settings: SettingsStore;
  usage: UsageStore;
  dedupe: DedupeStore;
  limiter: RateLimiter;
}

export interface ServiceOverrides {
  clock?: Clock;
  stores?: Partial<StateStores>;
  llm?: LlmClient;
  observer?: EngineObserver;
  onAttempt?: (outcome: AttemptOutcome, attempt: number) => void;
}

export interface BotServices extends AdapterServices {
  engine: Engine;
  stores: StateStores;
  llm: LlmClient;
}

/**
 * The most history tokens any window can send: the window less the answer's reserve. History beyond
 * it is never sent again, so it is not kept.
 */
export function historyTokenBudget(config: Config): number {
  return Math.max(1, Math.min(config.HISTORY_MAX_TOKENS, config.MODEL_CONTEXT_TOKENS) - config.MAX_TOKENS);
}

export function createMemoryStores(config: Config, clock: Clock): StateStores {
  return {
    history: new MemoryHistoryStore({
      maxConversations: config.HISTORY_MAX_CONVERSATIONS,
      ttlMs: config.HISTORY_TTL_SECONDS * 1000,
      maxPairsPerConversation: Math.max(1, Math.ceil(config.HISTORY_MAX_MESSAGES / 2)),
      maxTokensPerConversation: historyTokenBudget(config),
      maxBytes: config.HISTORY_MAX_MB * 1024 * 1024,
    }),
    cache:
      config.CACHE_TTL_SECONDS > 0
        ? new MemoryAnswerCache({
            maxEntries: config.CACHE_MAX_ENTRIES,
            ttlMs: config.CACHE_TTL_SECONDS * 1000,
            maxBytes: config.CACHE_MAX_MB * 1024 * 1024,
          })
        : undefined,
    settings: new MemorySettingsStore(),
    // Per-conversation counters follow the history cap; users, channels and days need far fewer keys.
    usage: new MemoryUsageStore({ maxKeys: config.HISTORY_MAX_CONVERSATIONS + 50_000 }),
    dedupe: new MemoryDedupeStore(),
    limiter: new MemoryRateLimiter({
      clock,
      maxConcurrency: config.LLM_MAX_CONCURRENCY,
      requestsPerMinute: config.LLM_RPM,
      tokensPerMinute: config.LLM_TPM,
    }),
  };
}

/** Wires config into the engine, the LLM client and the stores: the one place that knows all of them. */
export function createServices(
  config: Config,
  logger: Logger,
  overrides: ServiceOverrides = {},
): BotServices {
  const clock = overrides.clock ?? systemClock;
  const stores: StateStores = { ...createMemoryStores(config, clock), ...overrides.stores };
  const counter = new TokenCounter();
  const llm =
    overrides.llm ??
    new OpenAiChatClient({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      timeoutMs: config.LLM_TIMEOUT_MS,
      policy: new RetryPolicy({ maxAttempts: config.LLM_MAX_ATTEMPTS, deadlineMs: config.LLM_DEADLINE_MS }),
      limiter: stores.limiter,
      clock,
      logger: logger.child({ component: "llm" }),
      ...(overrides.onAttempt ? { onAttempt: overrides.onAttempt } : {}),
    });
  const engine = new Engine({
    llm,
    history: stores.history,
    cache: stores.cache,
    settings: stores.settings,
    usage: stores.usage,
    counter,
    window: new HistoryWindow(counter, {
      maxTokens: config.HISTORY_MAX_TOKENS,
      maxMessages: config.HISTORY_MAX_MESSAGES,
      answerTokens: config.MAX_TOKENS,
      contextTokens: config.MODEL_CONTEXT_TOKENS,
    }),
    defaults: {
      systemPrompt: config.SYSTEM_PROMPT,
      model: config.OPENAI_MODEL,
      temperature: config.TEMPERATURE,
      topP: config.TOP_P,
      maxTokens: config.MAX_TOKENS,
      cacheScope: config.CACHE_SCOPE,
      locale: resolveLocale(config.BOT_LOCALE),
    },
    logger: logger.child({ component: "engine" }),
    now: () => clock.now(),
    governance: new Governance(config, stores.usage, stores.dedupe, () => clock.now()),
    ...(overrides.observer ? { observer: overrides.observer } : {}),
    // The configuration holds the same values as the environment it was read from.
    secrets: configuredSecrets(config),
  });
  return { config, engine, dedupe: stores.dedupe, logger, stores, llm };
}
