import { describe, expect, it } from "vitest";
import {
  exhaustedResetMs,
  parseDuration,
  readSnapshot,
  retryAfterMs,
} from "../../src/llm/rate-limit-headers.ts";

const NOW = Date.parse("2026-03-01T12:00:00Z");

describe("parseDuration", () => {
  it.each([
    ["1s", 1_000],
    ["6m0s", 360_000],
    ["12ms", 12],
    ["1m30.5s", 90_500],
    ["0.5s", 500],
    ["2h", 7_200_000],
    ["1h2m3s", 3_723_000],
    ["20", 20_000], // plain seconds, as some providers send
    ["1.25", 1_250],
    [" 7s ", 7_000],
  ])("reads %j as %d ms", (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each(["", "soon", "5 minutes", "1m30", "-1s", "s", "ms"])("rejects %j", (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });

  it("treats a missing header as unknown", () => {
    expect(parseDuration(null)).toBeUndefined();
    expect(parseDuration(undefined)).toBeUndefined();
  });
});

describe("retryAfterMs", () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it("prefers retry-after-ms", () => {
    expect(retryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "9" }), NOW)).toBe(250);
  });

  it("reads retry-after seconds, fractional included", () => {
    expect(retryAfterMs(headers({ "retry-after": "2" }), NOW)).toBe(2_000);
    expect(retryAfterMs(headers({ "retry-after": "0.5" }), NOW)).toBe(500);
    expect(retryAfterMs(headers({ "retry-after": "0" }), NOW)).toBe(0);
  });

  it("reads retry-after as an HTTP date relative to now", () => {
    expect(retryAfterMs(headers({ "retry-after": "Sun, 01 Mar 2026 12:01:30 GMT" }), NOW)).toBe(90_000);
  });

  it("never returns a negative wait for a date in the past", () => {
    expect(retryAfterMs(headers({ "retry-after": "Sun, 01 Mar 2026 11:00:00 GMT" }), NOW)).toBe(0);
  });

  it("falls through unreadable values to the next header, then to undefined", () => {
    expect(retryAfterMs(headers({ "retry-after-ms": "soon", "retry-after": "3" }), NOW)).toBe(3_000);
    expect(retryAfterMs(headers({ "retry-after": "whenever" }), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({}), NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });
});

describe("exhaustedResetMs", () => {
  it("takes the longest reset among the quotas that are used up", () => {
    const headers = new Headers({
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "1s",
      "x-ratelimit-remaining-tokens": "0",
      "x-ratelimit-reset-tokens": "1m30.5s",
    });
    expect(exhaustedResetMs(headers)).toBe(90_500);
  });

  it("ignores the reset of a quota that still has room", () => {
    const headers = new Headers({
      "x-ratelimit-remaining-requests": "12",
      "x-ratelimit-reset-requests": "6m0s",
      "x-ratelimit-remaining-tokens": "0",
      "x-ratelimit-reset-tokens": "12ms",
    });
    expect(exhaustedResetMs(headers)).toBe(12);
  });

  it("has nothing to say without reset headers", () => {
    expect(exhaustedResetMs(new Headers({ "x-ratelimit-remaining-requests": "0" }))).toBeUndefined();
    expect(exhaustedResetMs(undefined)).toBeUndefined();
  });
});

describe("readSnapshot", () => {
  it("turns limit, remaining and reset headers into absolute quota states", () => {
    const snapshot = readSnapshot(
      new Headers({
        "x-ratelimit-limit-requests": "500",
        "x-ratelimit-remaining-requests": "499",
        "x-ratelimit-reset-requests": "120ms",
        "x-ratelimit-limit-tokens": "200000",
        "x-ratelimit-remaining-tokens": "150000",
        "x-ratelimit-reset-tokens": "6m0s",
      }),
      NOW,
    );
    expect(snapshot).toEqual({
      requests: { limit: 500, remaining: 499, resetAt: NOW + 120 },
      tokens: { limit: 200_000, remaining: 150_000, resetAt: NOW + 360_000 },
    });
  });

  it("leaves out a quota whose headers are missing or unreadable, and keeps an unknown limit unknown", () => {
    const snapshot = readSnapshot(
      new Headers({
        "x-ratelimit-remaining-requests": "3",
        "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-remaining-tokens": "lots",
        "x-ratelimit-reset-tokens": "1s",
      }),
      NOW,
    );
    expect(snapshot).toEqual({ requests: { limit: undefined, remaining: 3, resetAt: NOW + 1_000 } });
    expect(readSnapshot(new Headers(), NOW)).toEqual({});
  });
});
