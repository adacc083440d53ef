import { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import {
  BadRequestError,
  ContextTooLongError,
  LlmError,
  MisconfiguredError,
  QuotaExhaustedError,
  RateLimitedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "./errors.ts";
import { exhaustedResetMs, retryAfterMs } from "./rate-limit-headers.ts";

/**
 * Error codes meaning "the money or the quota is gone": a retry only burns the rate limit.
 * Moonshot's and DeepSeek's spellings included; DashScope's per-minute `insufficient_quota`
 * is indistinguishable by body, and we prefer telling the operator over hammering.
 */
const QUOTA_CODES = new Set([
  "insufficient_quota",
  "credit_balance_exhausted",
  "exceeded_current_quota_error",
  "insufficient_balance",
  "billing_hard_limit_reached",
]);

const CONTEXT_CODES = new Set(["context_length_exceeded", "string_above_max_length"]);

function field(value: unknown): string {
  return typeof value === "string" ? value.toLowerCase() : "";
}

/** Turns whatever the SDK or the transport threw into one typed error with a retry verdict. */
export function classifyError(error: unknown, now: number): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof APIUserAbortError) {
    return new UpstreamTimeoutError("request aborted", undefined, { cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new UpstreamTimeoutError("no response headers within the timeout", undefined, { cause: error });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const type = field(error.type);
    const code = field(error.code);
    const message = `${status ?? "connection"} ${error.message}`;
    if (status === undefined)
      return new UpstreamUnavailableError(message, undefined, undefined, { cause: error });
    if (QUOTA_CODES.has(type) || QUOTA_CODES.has(code) || status === 402) {
      return new QuotaExhaustedError(message, status, { cause: error });
    }
    if (status === 429) {
      const hint = retryAfterMs(error.headers, now) ?? exhaustedResetMs(error.headers);
      return new RateLimitedError(message, hint, { cause: error });
    }
    if (status === 400 || status === 413) {
      const text = field(error.message);
      if (CONTEXT_CODES.has(code) || status === 413 || /context|too long|maximum.*tokens/.test(text)) {
        return new ContextTooLongError(message, status, { cause: error });
      }
      return new BadRequestError(message, status, { cause: error });
    }
    if (status === 401 || status === 403 || status === 404) {
      return new MisconfiguredError(message, status, { cause: error });
    }
    if (status === 408 || status === 409 || status >= 500) {
      return new UpstreamUnavailableError(message, status, retryAfterMs(error.headers, now), {
        cause: error,
      });
    }
    return new BadRequestError(message, status, { cause: error });
  }
  // Transport failures (ECONNRESET, malformed SSE/JSON, wrong content type) may be transient.
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamUnavailableError(`transport: ${message}`, undefined, undefined, { cause: error });
}
