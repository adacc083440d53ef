import type { UserFacingErrorCode } from "../i18n/user-facing-error.ts";

/** Base of every error the LLM client throws; `userCode` picks the fixed text the user sees. */
export abstract class LlmError extends Error {
  abstract readonly userCode: UserFacingErrorCode;
  /** Whether another attempt may succeed. */
  abstract readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.status = status;
  }
}

/** 429 that will clear by itself; `retryAfterMs` is the server's hint, if any. */
export class RateLimitedError extends LlmError {
  readonly userCode = "rate_limited";
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, 429, options);
  }
}

/** The account is out of money or quota: retrying is useless until the operator acts. */
export class QuotaExhaustedError extends LlmError {
  readonly userCode = "quota_exhausted";
  readonly retryable = false;
}

/** 401/403/404: a wrong key, model or base URL. */
export class MisconfiguredError extends LlmError {
  readonly userCode = "misconfigured";
  readonly retryable = false;
}

/** 400 because the request is too large for the model's context. */
export class ContextTooLongError extends LlmError {
  readonly userCode = "too_long";
  readonly retryable = false;
}

/** Any other 4xx: the provider refused the request and repeating it will not help. */
export class BadRequestError extends LlmError {
  readonly userCode: UserFacingErrorCode = "bad_request";
  readonly retryable = false;
}

/**
 * A 400 naming a request field the server does not accept (`stream_options` on some compatible
 * servers): the client drops the field, remembers that for the endpoint, and asks again once.
 */
export class UnsupportedFieldError extends BadRequestError {
  constructor(
    message: string,
    readonly field: string,
    status?: number,
    options?: ErrorOptions,
  ) {
    super(message, status, options);
  }
}

/** The provider's content filter blocked the question or the answer (Azure `content_filter`). */
export class ContentFilteredError extends LlmError {
  readonly userCode = "content_filtered";
  readonly retryable = false;
}

/**
 * A provider quota that clears by itself later but not within a retry (Gemini's RESOURCE_EXHAUSTED,
 * per minute or per day): said to the user at once instead of burning five attempts.
 */
export class ProviderQuotaError extends LlmError {
  readonly userCode = "provider_quota";
  readonly retryable = false;
}

/** 408, 5xx, connection resets, malformed responses: the upstream may recover. */
export class UpstreamUnavailableError extends LlmError {
  readonly userCode = "unavailable";
  readonly retryable = true;
  constructor(
    message: string,
    status?: number,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, status, options);
  }
}

/** No headers, or no chunk, within the configured time. */
export class UpstreamTimeoutError extends LlmError {
  readonly userCode = "timed_out";
  readonly retryable = true;
}

/**
 * The caller aborted the stream (the platform refused the post, shutdown): whatever arrived is not a
 * finished answer. The SDK ends an aborted stream quietly, so the client raises this itself.
 */
export class StreamAbortedError extends LlmError {
  readonly userCode = "unavailable";
  readonly retryable = false;
}

/** The attempt budget or the total deadline ran out; `lastError` says what kept failing. */
export class RetriesExhaustedError extends LlmError {
  readonly retryable = false;
  readonly userCode: UserFacingErrorCode;
  constructor(
    message: string,
    readonly lastError: LlmError,
  ) {
    super(message, lastError.status, { cause: lastError });
    this.userCode = lastError.userCode;
  }
}
