import OpenAI, { RateLimitError } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { type RateLimitedOpenAI, startRateLimitedOpenAI } from "../../bench/fakes/rate-limited-openai.ts";

/** The goodput benchmark is only as honest as this fake: it must enforce exactly R per window. */
describe("the rate-limited fake OpenAI server", () => {
  let fake: RateLimitedOpenAI | undefined;
  let now = 0;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const sdkFor = (url: string) => new OpenAI({ apiKey: "sk-test", baseURL: url, maxRetries: 0 });
  const ask = (sdk: OpenAI, content: string) =>
    sdk.chat.completions
      .create({ model: "m", messages: [{ role: "user", content }], stream: false })
      .withResponse();

  it("admits R requests per window, then answers 429 with retry-after and x-ratelimit headers", async () => {
    now = 1_000;
    fake = await startRateLimitedOpenAI({ requestsPerWindow: 3, windowMs: 10_000, now: () => now });
    const sdk = sdkFor(fake.url);

    const first = await ask(sdk, "one");
    expect(first.data.choices[0]?.message.content).toBe("Echo: one");
    expect(first.response.headers.get("x-ratelimit-limit-requests")).toBe("3");
    expect(first.response.headers.get("x-ratelimit-remaining-requests")).toBe("2");
    expect(first.response.headers.get("x-ratelimit-reset-requests")).toBe("10.000s");
    await ask(sdk, "two");
    now = 4_000;
    await ask(sdk, "three");

    const refused = await ask(sdk, "four").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitError);
    const headers = (refused as RateLimitError).headers;
    expect(headers?.get("retry-after")).toBe("7.000");
    expect(headers?.get("x-ratelimit-remaining-requests")).toBe("0");
    expect((refused as RateLimitError).code).toBe("rate_limit_exceeded");

    now = 11_000; // the window that opened at 1,000 is over: a new one opens
    await ask(sdk, "five");
    expect(fake.counts()).toMatchObject({ requests: 5, admitted: 4, rejected: 1 });
    expect(fake.counts().windows.map((window) => window.admitted)).toEqual([3, 1]);
  });

  it("also enforces a token budget per window when one is set", async () => {
    now = 0;
    // Each request costs ceil(prompt chars / 4) + max_tokens = 1 + 100 tokens.
    fake = await startRateLimitedOpenAI({
      requestsPerWindow: 100,
      windowMs: 60_000,
      tokensPerWindow: 250,
      now: () => now,
    });
    const sdk = sdkFor(fake.url);
    const costly = (content: string) =>
      sdk.chat.completions.create({ model: "m", messages: [{ role: "user", content }], max_tokens: 100 });
    await costly("a");
    await costly("b");
    await expect(costly("c")).rejects.toBeInstanceOf(RateLimitError);
    expect(fake.counts()).toMatchObject({ admitted: 2, rejected: 1 });
  });
});
