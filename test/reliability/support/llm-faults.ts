import { translate } from "../../../src/i18n/translate.ts";
import type { AttemptOutcome } from "../../../src/llm/openai-client.ts";
import type { FakeResponse } from "../../fakes/openai-server.ts";

/** One way the model's API can misbehave, and what the user must see because of it. */
export interface LlmFault {
  /** The fault as issue 8 names it. */
  name: string;
  /** Responses to the faulted question's attempts, in order; a follow-up question gets the echo. */
  attempts: FakeResponse[];
  /** The text the user ends up with (Markdown; adapters render it). */
  finalText: string;
  /** The engine's result label: "ok" or the short error's code. */
  result: string;
  /** Upstream attempts by outcome, as `bot_llm_requests_total` counts them. */
  outcomes: Partial<Record<AttemptOutcome, number>>;
  /** What the next question in the same conversation carries from this turn. */
  remembered: "question and answer" | "nothing";
}

const note = (text: string) => `${text}\n\n${translate("en", "note.interrupted")}`;
const error = (code: string) => translate("en", `error.${code}` as Parameters<typeof translate>[1]);

const answer = (
  text: string,
  extra: Partial<Extract<FakeResponse, { kind: "text" }>> = {},
): FakeResponse => ({
  kind: "text",
  text,
  ...extra,
});

const rateLimit = (headers: Record<string, string> = {}): FakeResponse => ({
  kind: "error",
  status: 429,
  headers,
  body: {
    error: { message: "Rate limit reached", type: "rate_limit_exceeded", code: "rate_limit_exceeded" },
  },
});

const quota: FakeResponse = {
  kind: "error",
  status: 429,
  headers: { "retry-after": "1" },
  body: {
    error: {
      message: "You exceeded your current quota",
      type: "insufficient_quota",
      code: "insufficient_quota",
    },
  },
};

/**
 * Every LLM fault of issue 8. The suite runs with LLM_MAX_ATTEMPTS=3 and a clock whose waits return
 * at once (server hints and backoff are honoured in clock time); the timeout faults with LLM_TIMEOUT_MS=600.
 */
export const llmFaults = {
  rateLimitedWithHint: {
    name: "429 with retry-after",
    attempts: [rateLimit({ "retry-after": "2" }), answer("Answered after waiting out the 429.")],
    finalText: "Answered after waiting out the 429.",
    result: "ok",
    outcomes: { rate_limited: 1, ok: 1 },
    remembered: "question and answer",
  },
  rateLimitedWithoutHint: {
    name: "429 without retry-after",
    attempts: [rateLimit(), answer("Answered after a backoff.")],
    finalText: "Answered after a backoff.",
    result: "ok",
    outcomes: { rate_limited: 1, ok: 1 },
    remembered: "question and answer",
  },
  quotaExhausted: {
    name: "429 insufficient_quota",
    attempts: [quota],
    finalText: error("quota_exhausted"),
    result: "quota_exhausted",
    outcomes: { fatal_error: 1 },
    remembered: "nothing",
  },
  unauthorized: {
    name: "401",
    attempts: [{ kind: "error", status: 401, body: { error: { message: "Incorrect API key", type: "x" } } }],
    finalText: error("misconfigured"),
    result: "misconfigured",
    outcomes: { fatal_error: 1 },
    remembered: "nothing",
  },
  contextTooLong: {
    name: "400 context too long",
    attempts: [
      {
        kind: "error",
        status: 400,
        body: {
          error: {
            message: "This model's maximum context length is 128000 tokens.",
            type: "invalid_request_error",
            code: "context_length_exceeded",
          },
        },
      },
    ],
    finalText: error("too_long"),
    result: "too_long",
    outcomes: { fatal_error: 1 },
    remembered: "nothing",
  },
  serverError: {
    name: "500, then recovered",
    attempts: [{ kind: "error", status: 500 }, answer("Answered after a 500.")],
    finalText: "Answered after a 500.",
    result: "ok",
    outcomes: { retryable_error: 1, ok: 1 },
    remembered: "question and answer",
  },
  unavailableStreak: {
    name: "503 streak longer than the attempt budget",
    attempts: [
      { kind: "error", status: 503 },
      { kind: "error", status: 503 },
      { kind: "error", status: 503 },
    ],
    finalText: error("unavailable"),
    result: "unavailable",
    outcomes: { retryable_error: 3 },
    remembered: "nothing",
  },
  noHeadersOnce: {
    name: "no headers within the timeout, then recovered",
    attempts: [{ kind: "stall-before-headers" }, answer("Answered after a stalled attempt.")],
    finalText: "Answered after a stalled attempt.",
    result: "ok",
    outcomes: { retryable_error: 1, ok: 1 },
    remembered: "question and answer",
  },
  noHeadersEver: {
    name: "no headers within the timeout, every attempt",
    attempts: [
      { kind: "stall-before-headers" },
      { kind: "stall-before-headers" },
      { kind: "stall-before-headers" },
    ],
    finalText: error("timed_out"),
    result: "timed_out",
    outcomes: { retryable_error: 3 },
    remembered: "nothing",
  },
  stallMidStream: {
    name: "headers, then a stall mid-stream",
    attempts: [{ kind: "stall-mid-stream", before: "The first half of it" }],
    finalText: note("The first half of it"),
    result: "ok",
    outcomes: { interrupted: 1 },
    remembered: "question and answer",
  },
  cutMidStream: {
    name: "a stream cut mid-way",
    attempts: [{ kind: "cut-mid-stream", before: "Everything up to the cut" }],
    finalText: note("Everything up to the cut"),
    result: "ok",
    outcomes: { interrupted: 1 },
    remembered: "question and answer",
  },
  malformedJson: {
    name: "malformed JSON in the stream, then recovered",
    attempts: [
      { kind: "malformed", contentType: "text/event-stream", body: "data: {broken\n\n" },
      answer("Answered after a malformed chunk."),
    ],
    finalText: "Answered after a malformed chunk.",
    result: "ok",
    outcomes: { retryable_error: 1, ok: 1 },
    remembered: "question and answer",
  },
  wrongContentType: {
    name: "a wrong content-type (an HTML page with status 200)",
    attempts: [
      { kind: "malformed", contentType: "text/html", body: "<html><body>Bad gateway</body></html>" },
    ],
    finalText: error("unavailable"),
    result: "unavailable",
    outcomes: { ok: 1 },
    remembered: "nothing",
  },
  slowSteadyStream: {
    name: "a very slow but steady stream",
    // 5 chunks 200 ms apart: 1 s in all, more than the 600 ms timeout of this test, which is per chunk.
    attempts: [
      answer("Slow and steady wins the race, one word at a time.", { chunks: 5, chunkDelayMs: 200 }),
    ],
    finalText: "Slow and steady wins the race, one word at a time.",
    result: "ok",
    outcomes: { ok: 1 },
    remembered: "question and answer",
  },
} satisfies Record<string, LlmFault>;
