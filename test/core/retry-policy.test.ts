import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  ContextTooLongError,
  MisconfiguredError,
  QuotaExhaustedError,
  RateLimitedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "../../src/llm/errors.ts";
import { RetryPolicy } from "../../src/llm/retry-policy.ts";

const policy = (random: () => number, maxAttempts = 10) =>
  new RetryPolicy({ maxAttempts, deadlineMs: 60_000, baseDelayMs: 500, maxDelayMs: 20_000, random });

/** Full jitter's ceiling for an attempt: base * 2^(attempt-1), capped. */
const ceiling = (attempt: number) => Math.min(20_000, 500 * 2 ** (attempt - 1));

describe("RetryPolicy", () => {
  it("never waits less than the server's hint, whatever the jitter", () => {
    for (const random of [() => 0, () => 0.5, () => 0.999_999]) {
      expect(policy(random).delayAfter(new RateLimitedError("429", 7_000), 1)).toBeGreaterThanOrEqual(7_000);
      expect(policy(random).delayAfter(new RateLimitedError("429", 250), 6)).toBeGreaterThanOrEqual(250);
      expect(
        policy(random).delayAfter(new UpstreamUnavailableError("503", 503, 3_000), 2),
      ).toBeGreaterThanOrEqual(3_000);
    }
  });

  it("honours a hint longer than the backoff cap: the deadline decides, not the cap", () => {
    expect(policy(() => 0.5).delayAfter(new RateLimitedError("429", 45_000), 1)).toBeGreaterThanOrEqual(
      45_000,
    );
  });

  it("jitters without a hint between 0 and an exponential ceiling capped at 20 s", () => {
    const rng = mulberry32(42);
    const jittered = policy(rng);
    for (let attempt = 1; attempt <= 9; attempt++) {
      const delays = Array.from(
        { length: 200 },
        () => jittered.delayAfter(new UpstreamUnavailableError("503", 503), attempt) ?? -1,
      );
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(ceiling(attempt));
      expect(new Set(delays).size).toBeGreaterThan(1); // really jittered
    }
    expect(policy(() => 0).delayAfter(new RateLimitedError("429", undefined), 3)).toBe(0);
    expect(policy(() => 0.999_999).delayAfter(new RateLimitedError("429", undefined), 1)).toBe(499);
    expect(policy(() => 0.999_999).delayAfter(new RateLimitedError("429", undefined), 4)).toBe(3_999);
    expect(policy(() => 0.999_999).delayAfter(new RateLimitedError("429", undefined), 9)).toBe(19_999);
  });

  it("grows the ceiling exponentially, so the spread widens with each attempt", () => {
    const top = (attempt: number) =>
      policy(() => 0.999_999).delayAfter(new UpstreamTimeoutError("t"), attempt);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([499, 999, 1_999, 3_999, 7_999, 15_999]);
  });

  it("stops after maxAttempts attempts, the first included", () => {
    const three = policy(() => 0.5, 3);
    const error = new UpstreamUnavailableError("503", 503);
    expect(three.delayAfter(error, 1)).toBeDefined();
    expect(three.delayAfter(error, 2)).toBeDefined();
    expect(three.delayAfter(error, 3)).toBeUndefined();
    expect(three.delayAfter(new RateLimitedError("429", 1_000), 3)).toBeUndefined();
    expect(policy(() => 0.5, 1).delayAfter(error, 1)).toBeUndefined();
  });

  it.each([
    ["quota exhausted", new QuotaExhaustedError("quota", 429)],
    ["misconfigured", new MisconfiguredError("401", 401)],
    ["bad request", new BadRequestError("400", 400)],
    ["context too long", new ContextTooLongError("400", 400)],
  ])("never retries %s", (_label, error) => {
    expect(policy(() => 0.5).delayAfter(error, 1)).toBeUndefined();
  });
});

/** A small seeded generator: the jitter bounds are checked over many draws, reproducibly. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
