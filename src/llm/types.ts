/** Why an answer ended; "interrupted" means the stream broke after text had reached the user. */
export type FinishReason = "stop" | "length" | "content_filter" | "interrupted" | "unknown";

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
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the provider reported it; false when we counted it ourselves. */
  reported: boolean;
}

/** What a streaming completion yields: text deltas, then one `done`. */
export type LlmChunk =
  | { type: "delta"; text: string }
  | {
      type: "done";
      usage: TokenUsage | undefined;
      finishReason: string | undefined;
      /** The stream broke after at least one delta; the text so far is all there is. */
      interrupted: boolean;
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
