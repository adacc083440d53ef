import { describe, expect, it } from "vitest";
import { messageWaitMs, rateLimitWaitMs, shortfallResetMs } from "../../src/llm/rate-limit-hints.ts";

const headers = (values: Record<string, string>) => new Headers(values);

describe("rate-limit hints", () => {
  it.each([
    ["Rate limit reached ... Used 8782, Requested 8172. Please try again in 41.724s. Visit ...", 41_724],
    ["Please try again in 9.816s.", 9816],
    ["Please try again in 1m22.5s.", 82_500],
    ["Please try again in 20ms.", 20],
    ["Requests to the ChatCompletions_Create Operation ... Please retry after 6 seconds.", 6000],
    ["slow down", undefined],
  ])("reads the message %s", (message, expected) => {
    expect(messageWaitMs(message)).toBe(expected);
  });

  it.each([
    ["52.692s", 52_692],
    ["6m0s", 360_000],
    ["17ms", 17],
    ["1s", 1000],
    ["2", 2000],
  ])("x-ratelimit-reset-tokens %s counts when the remaining tokens are short", (reset, expected) => {
    const h = headers({ "x-ratelimit-remaining-tokens": "1446", "x-ratelimit-reset-tokens": reset });
    expect(shortfallResetMs(h, 3082)).toBe(expected);
    expect(shortfallResetMs(h, 1000)).toBeUndefined();
  });

  it("the longest hint wins: each is a floor", () => {
    const h = headers({ "x-ratelimit-remaining-tokens": "1446", "x-ratelimit-reset-tokens": "52.692s" });
    expect(rateLimitWaitMs(h, "please try again in 41.724s", 0, 8172)).toBe(52_692);
    expect(rateLimitWaitMs(h, "please try again in 41.724s", 0, 100)).toBe(41_724);
    expect(rateLimitWaitMs(headers({ "retry-after": "60" }), "try again in 1s", 0)).toBe(60_000);
    expect(rateLimitWaitMs(headers({}), "", 0)).toBeUndefined();
  });
});
