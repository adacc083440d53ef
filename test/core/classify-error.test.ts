import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { describe, expect, it } from "vitest";
import { classifyError } from "../../src/llm/classify-error.ts";
import {
  BadRequestError,
  ContextTooLongError,
  type LlmError,
  MisconfiguredError,
  QuotaExhaustedError,
  RateLimitedError,
  RetriesExhaustedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "../../src/llm/errors.ts";

const NOW = Date.parse("2026-03-01T12:00:00Z");

/** The error the SDK throws for a response, built the way its client builds it. */
function apiError(
  status: number,
  body?: { error: Record<string, unknown> },
  headers: Record<string, string> = {},
) {
  return APIError.generate(status, body, undefined, new Headers(headers));
}

const body = (type: string | null, code: string | null = null, message = "upstream message") => ({
  error: { message, type, param: null, code },
});

type ErrorClass = abstract new (...args: never[]) => LlmError;

/** What each kind of failure must classify as: the error class, the user-facing code, retryable. */
const RATE_LIMITED = [RateLimitedError, "rate_limited", true] as const;
const QUOTA_EXHAUSTED = [QuotaExhaustedError, "quota_exhausted", false] as const;
const BAD_REQUEST = [BadRequestError, "bad_request", false] as const;
const TOO_LONG = [ContextTooLongError, "too_long", false] as const;
const MISCONFIGURED = [MisconfiguredError, "misconfigured", false] as const;
const UNAVAILABLE = [UpstreamUnavailableError, "unavailable", true] as const;
const TIMED_OUT = [UpstreamTimeoutError, "timed_out", true] as const;

describe("classifyError", () => {
  it.each<[string, unknown, ErrorClass, string, boolean]>([
    ["429 rate_limit_exceeded", apiError(429, body("requests", "rate_limit_exceeded")), ...RATE_LIMITED],
    ["429 with no body", apiError(429), ...RATE_LIMITED],
    ["429 insufficient_quota (type)", apiError(429, body("insufficient_quota")), ...QUOTA_EXHAUSTED],
    [
      "429 insufficient_quota (code only)",
      apiError(429, body("invalid_request_error", "insufficient_quota")),
      ...QUOTA_EXHAUSTED,
    ],
    [
      "429 credit_balance_exhausted (type)",
      apiError(429, body("credit_balance_exhausted")),
      ...QUOTA_EXHAUSTED,
    ],
    [
      "429 credit_balance_exhausted (code only)",
      apiError(429, body("billing", "credit_balance_exhausted")),
      ...QUOTA_EXHAUSTED,
    ],
    ["429 Moonshot engine_overloaded_error", apiError(429, body("engine_overloaded_error")), ...RATE_LIMITED],
    [
      "429 Moonshot exceeded_current_quota_error",
      apiError(429, body("exceeded_current_quota_error")),
      ...QUOTA_EXHAUSTED,
    ],
    ["429 quota code in upper case", apiError(429, body("Insufficient_Quota")), ...QUOTA_EXHAUSTED],
    [
      "402 DeepSeek insufficient balance",
      apiError(402, body("unknown_error", null, "Insufficient Balance")),
      ...QUOTA_EXHAUSTED,
    ],
    ["402 without a body", apiError(402), ...QUOTA_EXHAUSTED],
    [
      "400 invalid request",
      apiError(400, body("invalid_request_error", null, "Invalid value for 'temperature'")),
      ...BAD_REQUEST,
    ],
    [
      "400 context_length_exceeded",
      apiError(400, body("invalid_request_error", "context_length_exceeded")),
      ...TOO_LONG,
    ],
    [
      "400 'maximum context length' message",
      apiError(
        400,
        body("invalid_request_error", null, "This model's maximum context length is 8192 tokens"),
      ),
      ...TOO_LONG,
    ],
    ["413 payload too large", apiError(413), ...TOO_LONG],
    ["401 bad key", apiError(401, body("invalid_request_error", "invalid_api_key")), ...MISCONFIGURED],
    ["403 region or permission", apiError(403, body("permission_denied")), ...MISCONFIGURED],
    ["404 unknown model", apiError(404, body("invalid_request_error", "model_not_found")), ...MISCONFIGURED],
    ["422 unprocessable", apiError(422, body("invalid_request_error")), ...BAD_REQUEST],
    ["408 request timeout", apiError(408), ...UNAVAILABLE],
    ["409 conflict", apiError(409), ...UNAVAILABLE],
    ["500 server error", apiError(500, body("server_error")), ...UNAVAILABLE],
    ["502 bad gateway", apiError(502), ...UNAVAILABLE],
    [
      "503 overloaded (DeepSeek, Ollama, llama.cpp)",
      apiError(503, body("service_unavailable")),
      ...UNAVAILABLE,
    ],
    ["504 gateway timeout", apiError(504), ...UNAVAILABLE],
    [
      "connection refused or reset",
      new APIConnectionError({ message: "Connection error.", cause: new Error("ECONNRESET") }),
      ...UNAVAILABLE,
    ],
    ["no headers within the timeout", new APIConnectionTimeoutError(), ...TIMED_OUT],
    ["aborted request", new APIUserAbortError(), ...TIMED_OUT],
    ["malformed stream (transport error)", new SyntaxError("Unexpected token b in JSON"), ...UNAVAILABLE],
    ["a thrown string", "socket hang up", ...UNAVAILABLE],
  ])("classifies %s", (_label, raw, kind, userCode, retryable) => {
    const error = classifyError(raw, NOW);
    expect(error).toBeInstanceOf(kind);
    expect(error.userCode).toBe(userCode);
    expect(error.retryable).toBe(retryable);
  });

  it("keeps the status and the original error as the cause", () => {
    const raw = apiError(503);
    const error = classifyError(raw, NOW);
    expect(error.status).toBe(503);
    expect(error.cause).toBe(raw);
  });

  it("passes an already classified error through unchanged", () => {
    const inner = new RateLimitedError("slow down", 1000);
    expect(classifyError(inner, NOW)).toBe(inner);
    const exhausted = new RetriesExhaustedError("gave up", inner);
    expect(classifyError(exhausted, NOW)).toBe(exhausted);
    expect(exhausted.userCode).toBe("rate_limited");
    expect(exhausted.retryable).toBe(false);
  });

  describe("wait hints of a 429", () => {
    const limited = (headers: Record<string, string>) =>
      classifyError(apiError(429, body("requests", "rate_limit_exceeded"), headers), NOW) as RateLimitedError;

    it("reads retry-after-ms first", () => {
      expect(limited({ "retry-after-ms": "1500", "retry-after": "30" }).retryAfterMs).toBe(1500);
    });

    it("reads retry-after in seconds", () => {
      expect(limited({ "retry-after": "20" }).retryAfterMs).toBe(20_000);
    });

    it("reads retry-after as an HTTP date", () => {
      const at = new Date(NOW + 45_000).toUTCString();
      expect(limited({ "retry-after": at }).retryAfterMs).toBe(45_000);
    });

    it("falls back to the reset time of the exhausted x-ratelimit quota", () => {
      const hint = limited({
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "6m0s",
        "x-ratelimit-remaining-tokens": "15000",
        "x-ratelimit-reset-tokens": "12ms",
      }).retryAfterMs;
      expect(hint).toBe(360_000);
    });

    it("has no hint when the server gives none", () => {
      expect(limited({}).retryAfterMs).toBeUndefined();
    });

    it("keeps a 503's retry-after as its hint", () => {
      const error = classifyError(
        apiError(503, undefined, { "retry-after": "3" }),
        NOW,
      ) as UpstreamUnavailableError;
      expect(error.retryAfterMs).toBe(3_000);
    });
  });
});
