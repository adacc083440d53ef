import type { TokenUsage } from "./types.ts";

/**
 * Usage wherever a provider puts it in a stream chunk: the top level (OpenAI, DeepSeek, DashScope),
 * inside the choice (Moonshot), or under `x_groq` (Groq). Cached prompt tokens and hidden reasoning
 * tokens are kept apart so that they can be priced and remembered correctly.
 */
export function readUsage(chunk: unknown): TokenUsage | undefined {
  if (!isRecord(chunk)) return undefined;
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  const groq = isRecord(chunk.x_groq) ? chunk.x_groq.usage : undefined;
  for (const candidate of [chunk.usage, ...choices.map((c) => (isRecord(c) ? c.usage : undefined)), groq]) {
    const usage = toUsage(candidate);
    if (usage) return usage;
  }
  return undefined;
}

function toUsage(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const prompt = count(value.prompt_tokens);
  const completion = count(value.completion_tokens);
  if (prompt === undefined || completion === undefined) return undefined;
  const promptDetails = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : {};
  const completionDetails = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {};
  // DeepSeek also reports `prompt_cache_hit_tokens`, Moonshot a top-level `cached_tokens`; they equal
  // `prompt_tokens_details.cached_tokens` where both are sent.
  const cached =
    count(promptDetails.cached_tokens) ?? count(value.cached_tokens) ?? count(value.prompt_cache_hit_tokens);
  const reasoning = count(completionDetails.reasoning_tokens);
  return {
    promptTokens: prompt,
    completionTokens: completion,
    reported: true,
    ...(cached ? { cachedPromptTokens: Math.min(cached, prompt) } : {}),
    ...(reasoning ? { reasoningTokens: Math.min(reasoning, completion) } : {}),
  };
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
