import type { FairnessKey } from "./fair-queue.ts";
/**
 * Why an answer ended; "interrupted" means the stream broke after text had reached the user, "capped"
 * that the bot stopped reading an answer that ran far past MAX_TOKENS (see answer-size-cap.ts).
 */
export type FinishReason = "stop" | "length" | "content_filter" | "interrupted" | "capped" | "unknown";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  maxTokens: number;
  /** Prompt tokens as the caller counted them; used to pace against a token budget. */
  promptTokens?: number;
  /** Whose question this is: waiting requests take turns by workspace, then by user. */
  fairness?: FairnessKey;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the provider reported it; false when we counted it ourselves. */
  reported: boolean;
  /** Of `promptTokens`, those served from the provider's prompt cache (billed at the cached price). */
  cachedPromptTokens?: number;
  /** Of `completionTokens`, hidden reasoning: billed, but not part of the visible answer. */
  reasoningTokens?: number;
}

/** What a streaming completion yields: text deltas, then one `done`. */
export type LlmChunk =
  | { type: "delta"; text: string }
  /** The model is reasoning; its reasoning text is never passed on. */
  | { type: "reasoning" }
  /**
   * The answer text so far was reasoning after all (a stream that began inside `<think>`): the
   * consumer forgets it. Deltas after this are the answer.
   */
  | { type: "retract" }
  | {
      type: "done";
      usage: TokenUsage | undefined;
      finishReason: string | undefined;
      /** The stream broke after at least one delta; the text so far is all there is. */
      interrupted: boolean;
      /** True when any reasoning passed in the stream (so `completionTokens` is not the answer's size). */
      reasoned?: boolean;
      /** Which key served the attempt (see keyFingerprint), for usage per key. */
      keyFingerprint?: string;
    };

export interface StreamOptions {
  signal?: AbortSignal;
}

/**
 * The seam between the engine and any chat-completions backend. Implementations retry and pace
 * internally and throw an `LlmError` only before the first delta; after it, a failure ends the stream
 * with `interrupted: true` so that the user never sees a second copy of the answer.
 */
export interface LlmClient {
  stream(request: ChatRequest, options?: StreamOptions): AsyncIterable<LlmChunk>;
}
