import type { AdapterServices } from "./adapter.ts";
import type { Config } from "./config/config.ts";
import { HistoryWindow } from "./conversation/history-window.ts";
import { TokenCounter } from "./conversation/token-counter.ts";
import { Engine, type EngineObserver } from "./engine/engine.ts";
import { Governance } from "./governance/governance.ts";
import { resolveLocale } from "./i18n/translate.ts";
import { type Clock, systemClock } from "./llm/clock.ts";
import { type AttemptOutcome, OpenAiChatClient } from "./llm/openai-client.ts";
import { RetryPolicy } from "./llm/retry-policy.ts";
import type { LlmClient } from "./llm/types.ts";
import type { Logger } from "./observability/logger.ts";
import { configuredSecrets } from "./observability/secret-scrubber.ts";
import { createMemoryStores, type StateStores } from "./state/stores.ts";

export type { StateStores };
export { createMemoryStores };

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

/** Wires config into the engine, the LLM client and the stores: the one place that knows all of them. */
export function createServices(
  config: Config,
  logger: Logger,
  overrides: ServiceOverrides = {},
): BotServices {
  const clock = overrides.clock ?? systemClock;
  const stores = createMemoryStores(config, clock, overrides.stores);
  const counter = new TokenCounter();
  const llm =
    overrides.llm ??
    new OpenAiChatClient({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      azure: config.OPENAI_PROVIDER === "azure" ? { apiVersion: config.OPENAI_API_VERSION } : undefined,
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
