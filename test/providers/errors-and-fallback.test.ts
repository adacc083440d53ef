import { afterEach, describe, expect, it } from "vitest";
import { translate } from "../../src/i18n/translate.ts";
import { loadTranscript } from "./replay-server.ts";
import { deltaText, startReplayBot } from "./support.ts";

let bot: Awaited<ReturnType<typeof startReplayBot>>;

afterEach(async () => {
  await bot.close();
});

describe("error bodies in every shape keep their meaning (recorded bodies)", () => {
  it("vLLM legacy {object:error} context overflow: too long, not retried", async () => {
    bot = await startReplayBot({ LLM_MAX_ATTEMPTS: "5" });
    bot.replay.play(loadTranscript("vllm/context-too-long-400.http"));
    const { result } = await bot.ask("q");
    expect(result.failure?.code).toBe("too_long");
    expect(bot.replay.requests).toHaveLength(1);
  });

  it("Gemini array body, RESOURCE_EXHAUSTED 429: reported as the provider's quota at once", async () => {
    bot = await startReplayBot({ LLM_MAX_ATTEMPTS: "5" });
    bot.replay.play(loadTranscript("gemini/quota-429.http"));
    const { result } = await bot.ask("q");
    expect(result.failure?.code).toBe("provider_quota");
    expect(result.text).toBe(translate("en", "error.provider_quota"));
    expect(bot.replay.requests).toHaveLength(1);
  });

  it("Gemini array body, INVALID_ARGUMENT 400: a refused request, not an internal error", async () => {
    bot = await startReplayBot({ LLM_MAX_ATTEMPTS: "5" });
    bot.replay.play(loadTranscript("gemini/invalid-argument-400.http"));
    const { result } = await bot.ask("q");
    expect(result.failure?.code).toBe("bad_request");
    expect(bot.replay.requests).toHaveLength(1);
    // The provider's own words reach the log as written (a secret echoed there must stay recognizable).
    expect(bot.logs.text()).toContain("Request contains an invalid argument");
  });

  it("Azure content_filter 400: the user is told the provider's filter blocked it, in their language", async () => {
    bot = await startReplayBot({ LLM_MAX_ATTEMPTS: "5" });
    bot.replay.play(loadTranscript("azure/content-filter-400.http"));
    const en = await bot.ask("q");
    expect(en.result.failure?.code).toBe("content_filtered");
    expect(en.result.text).toBe(translate("en", "error.content_filtered"));
    const zh = await bot.ask("q", { locale: "zh-CN", threadId: "t2" });
    expect(zh.result.text).toBe(translate("zh-CN", "error.content_filtered"));
    expect(zh.result.text).not.toBe(en.result.text);
    expect(bot.replay.requests).toHaveLength(2);
  });
});

describe("a refused stream_options is dropped once and remembered for the endpoint", () => {
  for (const refusal of ["fireworks/stream-options-400.http", "azure/on-your-data-stream-options-400.http"]) {
    it(refusal, async () => {
      bot = await startReplayBot({ LLM_MAX_ATTEMPTS: "1", CACHE_TTL_SECONDS: "0" });
      const stream = loadTranscript("openai/text-stream.http");
      bot.replay.play(loadTranscript(refusal), stream);
      const first = await bot.ask("q");
      expect(first.result.failure).toBeUndefined();
      expect(first.result.text).toBe(deltaText(stream, "content"));
      expect(bot.replay.requests.map((r) => "stream_options" in r.body)).toEqual([true, false]);

      const second = await bot.ask("another", { threadId: "t2" });
      expect(second.result.failure).toBeUndefined();
      expect(bot.replay.requests.map((r) => "stream_options" in r.body)).toEqual([true, false, false]);
    });
  }

  it("a server that still refuses without it is not asked again and again", async () => {
    bot = await startReplayBot({ LLM_MAX_ATTEMPTS: "3" });
    bot.replay.play(loadTranscript("fireworks/stream-options-400.http"));
    const { result } = await bot.ask("q");
    expect(result.failure?.code).toBe("bad_request");
    expect(bot.replay.requests).toHaveLength(2);
  });
});

describe("rate-limit hints are floors for the wait (recorded OpenAI TPM 429)", () => {
  it("remaining tokens above zero but below the request's need: waits the hint once, then answers", async () => {
    bot = await startReplayBot({ LLM_MAX_ATTEMPTS: "5", MAX_TOKENS: "3000" });
    bot.replay.play(loadTranscript("openai/tpm-429.http"), loadTranscript("openai/text-stream.http"));
    const { result } = await bot.ask("q");
    expect(result.failure).toBeUndefined();
    expect(bot.replay.requests).toHaveLength(2);
    // "Please try again in 9.816s" and x-ratelimit-reset-tokens: 9.816s, with 1446 tokens left.
    expect(bot.services.stores.limiter.stats().coolDownMs).toBeGreaterThan(9800);
  });
});
