import type { TokenUsage } from "../llm/types.ts";

/**
 * Why an answer ended; "interrupted" means the stream broke after text had reached the user, "capped"
 * that the bot stopped reading an answer that ran far past MAX_TOKENS (see answer-size-cap.ts).
 */
export type FinishReason = "stop" | "length" | "content_filter" | "interrupted" | "capped" | "unknown";

/** A short, fixed, localized text the user sees instead of an answer. */
export interface EngineFailure {
  code: UserFacingErrorCode;
  message: string;
  /** Post nothing: a refused message in a channel is ignored, not answered. */
  silent?: boolean;
}

export type UserFacingErrorCode =
  | "rate_limited"
  | "quota_exhausted"
  | "misconfigured"
  | "timed_out"
  | "too_long"
  | "unavailable"
  | "empty_question"
  | "internal"
  | "access_denied"
  | "dms_disabled"
  | "user_budget"
  | "workspace_budget"
  | "slow_down"
  | "not_admin";

export interface EngineResult {
  /** The full text to show: the answer, a command's output, or the failure message. */
  text: string;
  usage: TokenUsage | undefined;
  cached: boolean;
  finishReason: FinishReason;
  /** Set when the turn failed; `text` is then `failure.message`. */
  failure?: EngineFailure;
  /** True for command output (reset/help/usage), which adapters may show privately. */
  command?: EngineCommand;
}

export type EngineCommand = "reset" | "help" | "usage" | "config";

/**
 * The engine streams text deltas, then exactly one final result. Deltas concatenated are a prefix
 * of (usually equal to) `final.result.text`; adapters render `final.result.text` as the truth.
 */
export type EngineEvent = { type: "delta"; text: string } | { type: "final"; result: EngineResult };
