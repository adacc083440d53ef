import { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { readErrorBody } from "./error-body.ts";
import {
  BadRequestError,
  ContentFilteredError,
  ContextTooLongError,
  LlmError,
  MisconfiguredError,
  ProviderQuotaError,
  QuotaExhaustedError,
  RateLimitedError,
  UnsupportedFieldError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "./errors.ts";
import { rawErrorBody } from "./observed-fetch.ts";
import { retryAfterMs } from "./rate-limit-headers.ts";
import { rateLimitWaitMs } from "./rate-limit-hints.ts";

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

/** Request fields a compatible server may refuse, which the client can leave out and ask again. */
const OPTIONAL_FIELDS = ["stream_options"];

/** How servers word "I do not know this field" (pydantic, FastAPI, Azure, hand-written). */
const REFUSAL =
  /extra inputs are not permitted|extra_forbidden|unrecognized|unknown (field|parameter|argument)|not supported|unsupported|unexpected (field|keyword|parameter)|not allowed|additional properties/;

/** What the caller knows about the request, for hints that depend on it. */
export interface ErrorContext {
  /** Tokens the request may use (prompt + max output), to read `x-ratelimit-remaining-tokens`. */
  estimateTokens?: number;
}

function field(value: unknown): string {
  return typeof value === "string" ? value.toLowerCase() : "";
}

/** Turns whatever the SDK or the transport threw into one typed error with a retry verdict. */
export function classifyError(error: unknown, now: number, context: ErrorContext = {}): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof APIUserAbortError) {
    return new UpstreamTimeoutError("request aborted", undefined, { cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new UpstreamTimeoutError("no response headers within the timeout", undefined, { cause: error });
  }
  if (error instanceof APIError) return classifyStatus(error, now, context);
  // Transport failures (ECONNRESET, malformed SSE/JSON, wrong content type) may be transient.
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamUnavailableError(`transport: ${message}`, undefined, undefined, { cause: error });
}

function classifyStatus(error: APIError, now: number, context: ErrorContext): LlmError {
  const status = error.status;
  // The SDK keeps only `{"error": {...}}` bodies; the raw body says what the others meant.
  const body = readErrorBody(rawErrorBody(error.headers));
  const type = field(error.type) || (body?.type ?? "");
  const code = field(error.code) || (body?.code ?? "");
  const text = `${field(error.message)} ${body?.message.toLowerCase() ?? ""}`;
  const message = `${status ?? "connection"} ${body?.message ? body.message.slice(0, 300) : error.message}`;
  const options = { cause: error };
  if (status === undefined) return new UpstreamUnavailableError(message, undefined, undefined, options);
  if (code === "content_filter" || body?.innerCode === "responsibleaipolicyviolation") {
    return new ContentFilteredError(message, status, options);
  }
  if (QUOTA_CODES.has(type) || QUOTA_CODES.has(code) || status === 402) {
    return new QuotaExhaustedError(message, status, options);
  }
  if (status === 429) {
    if (body?.status === "resource_exhausted") return new ProviderQuotaError(message, status, options);
    return new RateLimitedError(
      message,
      rateLimitWaitMs(error.headers, text, now, context.estimateTokens),
      options,
    );
  }
  if (status === 400 || status === 413 || status === 422) {
    if (CONTEXT_CODES.has(code) || status === 413 || /context|too long|maximum.*tokens/.test(text)) {
      return new ContextTooLongError(message, status, options);
    }
    const refused = OPTIONAL_FIELDS.find((name) => text.includes(name) && REFUSAL.test(text));
    if (refused) return new UnsupportedFieldError(message, refused, status, options);
    return new BadRequestError(message, status, options);
  }
  if (status === 401 || status === 403 || status === 404) {
    return new MisconfiguredError(message, status, options);
  }
  if (status === 408 || status === 409 || status >= 500) {
    return new UpstreamUnavailableError(message, status, retryAfterMs(error.headers, now), options);
  }
  return new BadRequestError(message, status, options);
}
