import { env, variable } from "../variable.ts";

export const DEFAULT_SYSTEM_PROMPT =
  "You are a helpful assistant in a team chat. Answer in the language the user writes in. " +
  "Be concise, use Markdown where it helps, and say so when you are unsure.";

export const coreVariables = {
  OPENAI_API_KEY: variable(env.string(), {
    description: "Key for the chat-completions API (required).",
    secret: true,
    example: "sk-your-key",
  }),
  OPENAI_BASE_URL: variable(env.url().optional(), {
    description:
      "Any OpenAI-compatible endpoint (DeepSeek, Qwen, Moonshot, Ollama, a proxy); the SDK default when unset.",
    example: "https://api.openai.com/v1",
    defaultText: "SDK default",
  }),
  OPENAI_MODEL: variable(env.string().default("gpt-4.1-mini"), {
    description: "Model name; with OPENAI_PROVIDER=azure, the deployment name.",
  }),
  OPENAI_PROVIDER: variable(env.enumOf(["openai", "azure"]).default("openai"), {
    description:
      "openai: any OpenAI-compatible endpoint. azure: Azure OpenAI, with OPENAI_BASE_URL the resource endpoint (https://NAME.openai.azure.com) and the key sent in the api-key header.",
  }),
  OPENAI_API_VERSION: variable(env.string().default("2024-10-21"), {
    description: "Azure OpenAI API version (OPENAI_PROVIDER=azure only).",
  }),
  SYSTEM_PROMPT: variable(env.string().default(DEFAULT_SYSTEM_PROMPT), {
    description: "Global system prompt; workspace and channel prompts are layered after it.",
    defaultText: "answer in the user's language, concisely",
  }),
  TEMPERATURE: variable(env.number(0, 2).optional(), {
    description: "Sampling temperature; the provider's default when unset.",
  }),
  TOP_P: variable(env.number(0, 1).optional(), {
    description: "Nucleus sampling; the provider's default when unset.",
  }),
  MAX_TOKENS: variable(env.int(1, 1_000_000).default(1024), {
    description: "Maximum length of an answer in tokens; reserved in the history window.",
  }),
  ANSWER_MAX_MESSAGES: variable(env.int(1, 1000).default(20), {
    description:
      "Most messages one answer may become on a platform; past it the answer ends with a note. Answers are also cut at 16 characters per MAX_TOKENS token.",
  }),
  MODEL_CONTEXT_TOKENS: variable(env.int(256, 10_000_000).default(128_000), {
    description: "The model's context size; a window never exceeds it.",
  }),
  HISTORY_MAX_TOKENS: variable(env.int(64, 10_000_000).default(8000), {
    description: "Token bound of the per-thread window sent upstream (system prompt, history, question).",
  }),
  HISTORY_MAX_MESSAGES: variable(env.int(0, 10_000).default(20), {
    description: "Message bound of the per-thread window (history messages, not counting the question).",
  }),
  HISTORY_MAX_CONVERSATIONS: variable(env.int(1, 100_000_000).default(10_000), {
    description: "Conversations kept in memory; the least recently used beyond this are forgotten.",
  }),
  HISTORY_MAX_MB: variable(env.int(1, 1_000_000).default(128), {
    description:
      "Memory the in-memory history may take (estimated at 2 bytes a character), least recently used conversations forgotten first. With CACHE_MAX_MB the default fits a 512 MB container.",
  }),
  HISTORY_TTL_SECONDS: variable(env.int(60).default(7 * 24 * 3600), {
    description: "A conversation idle for this long is forgotten.",
  }),
  CACHE_TTL_SECONDS: variable(env.int(0).default(3600), {
    description: "Lifetime of a cached first-turn answer; 0 turns the answer cache off.",
  }),
  CACHE_MAX_ENTRIES: variable(env.int(1).default(1000), { description: "Answers kept in the cache." }),
  CACHE_MAX_MB: variable(env.int(1, 1_000_000).default(32), {
    description: "Memory the in-memory answer cache may take (estimated at 2 bytes a character).",
  }),
  CACHE_SCOPE: variable(env.enumOf(["workspace", "channel", "global"]).default("workspace"), {
    description: "Who shares cached answers: one workspace (default), one channel, or everyone.",
  }),
  LLM_MAX_CONCURRENCY: variable(env.int(1, 100_000).default(1024), {
    description:
      "Safety valve: upstream requests in flight per process. Pacing is by the rate limits; this binds only past them (README: Pacing).",
  }),
  LLM_RPM: variable(env.int(1).optional(), {
    description:
      "Requests per minute to pace to (refilled continuously); unset = learn the limit from response headers.",
  }),
  LLM_TPM: variable(env.int(1).optional(), {
    description:
      "Tokens per minute to pace to (refilled continuously); unset = learn the limit from response headers.",
  }),
  LLM_TIMEOUT_MS: variable(env.int(100).default(30_000), {
    description:
      "Wait for response headers, and between two streamed chunks, before giving up on an attempt.",
  }),
  LLM_MAX_ATTEMPTS: variable(env.int(1, 20).default(5), {
    description: "Attempts per question, the first included.",
  }),
  LLM_DEADLINE_MS: variable(env.int(1000).default(60_000), {
    description: "Total time a question may spend waiting and retrying before the user is told.",
  }),
  BOT_LOCALE: variable(env.enumOf(["en", "zh-cn"]).default("en"), {
    description: "Language of the bot's own texts when the platform does not tell the user's locale.",
  }),
  LOG_LEVEL: variable(
    env.enumOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    {
      description: "pino level; message text is logged only at debug.",
    },
  ),
};
