import type { UserFacingErrorCode } from "../i18n/user-facing-error.ts";
import type { FinishReason, TokenUsage } from "../llm/types.ts";

export type { FinishReason, UserFacingErrorCode };

/**
 * Who may see a failure. everyone: shown where the answer would have been. asker: about the asker
 * (access, rate, budget), so shown to them alone where the platform can, else in place. nobody:
 * post nothing (a refused message in a channel is ignored, not answered).
 */
export type FailureAudience = "everyone" | "asker" | "nobody";

/** A short, fixed, localized text the user sees instead of an answer. */
export interface EngineFailure {
  code: UserFacingErrorCode;
  message: string;
  audience: FailureAudience;
}

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
  /** The catalog locale the texts are in, for anything the adapter adds around them. */
  locale: string;
}

export type EngineCommand = "reset" | "help" | "usage" | "config";

/**
 * The engine streams text deltas, then exactly one final result. Deltas concatenated are a prefix
 * of (usually equal to) `final.result.text`; adapters render `final.result.text` as the truth.
 */
export type EngineEvent = { type: "delta"; text: string } | { type: "final"; result: EngineResult };

/**
 * Progress an adapter may show while no answer text flows; delivered through `AskOptions.onProgress`,
 * in order with the deltas (called just before the next delta or final is yielded).
 *
 * `thinking`: the model is reasoning. It comes when reasoning starts and then about once a second
 * while it lasts, with the time since reasoning began. Render it in the placeholder or typing line as
 * "Thinking… 12s" until the next delta or the final result replaces it; the reasoning text itself is
 * never passed on. `restart`: the deltas so far were reasoning after all (a model whose stream began
 * inside `<think>` without the tag): clear what was shown and show "Thinking…" again; the final
 * result's text is the answer.
 */
export type EngineProgress = { type: "thinking"; elapsedMs: number } | { type: "restart" };
