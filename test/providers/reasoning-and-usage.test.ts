import { afterEach, describe, expect, it } from "vitest";
import { MESSAGE_OVERHEAD_TOKENS, TokenCounter } from "../../src/conversation/token-counter.ts";
import { conversationKey } from "../../src/conversation/turn.ts";
import { turn } from "../integration/engine-support.ts";
import { loadTranscript, type Transcript } from "./replay-server.ts";
import { deltaText, startReplayBot } from "./support.ts";

let bot: Awaited<ReturnType<typeof startReplayBot>>;

afterEach(async () => {
  await bot.close();
});

async function history(threadId = "t1") {
  return bot.services.stores.history.read(conversationKey(turn("", { threadId })), 10);
}

/** The answer a transcript carries, read from the transcript itself (never typed in the test). */
function answerOf(transcript: Transcript): string {
  const content = deltaText(transcript, "content");
  const close = content.indexOf("</think>");
  return close >= 0 ? content.slice(close + "</think>".length).trimStart() : content;
}

/** Every reasoning text a transcript streamed, in any of its forms. */
function reasoningOf(transcript: Transcript): string {
  const content = deltaText(transcript, "content");
  const close = content.indexOf("</think>");
  return (
    deltaText(transcript, "reasoning_content") +
    deltaText(transcript, "reasoning") +
    (close >= 0 ? content.slice(0, close) : "")
  );
}

describe("reasoning never reaches the answer, the history or the cache (recorded streams)", () => {
  for (const file of [
    "deepseek/reasoner-stream.http",
    "qwen/qwen3-max-reasoning-stream.http",
    "groq/qwen3-reasoning-stream.http",
    "vllm/qwen3-think-in-content-stream.http",
  ]) {
    it(file, async () => {
      bot = await startReplayBot({ CACHE_TTL_SECONDS: "3600" });
      const transcript = loadTranscript(file);
      const answer = answerOf(transcript);
      const reasoning = reasoningOf(transcript).trim();
      expect(answer.length).toBeGreaterThan(0);
      expect(reasoning.length).toBeGreaterThan(0);
      bot.replay.play(transcript);

      const first = await bot.ask("question?");
      expect(first.result.failure).toBeUndefined();
      expect(first.result.text).toBe(answer);
      expect(first.deltas.join("")).toBe(answer);
      expect(first.result.text).not.toContain("<think>");
      expect((await history())[0]?.assistant).toBe(answer);
      // The user saw that the model was thinking before the answer came.
      expect(first.progress.filter((p) => p.type === "thinking").length).toBeGreaterThan(0);

      // The cached answer served to the next asker holds no reasoning either.
      const second = await bot.ask("question?", { threadId: "t2", userId: "u2" });
      expect(second.result.cached).toBe(true);
      expect(second.result.text).toBe(answer);
      expect(bot.replay.requests).toHaveLength(1);
    });
  }

  it("a stream that starts inside <think> without the tag: the final answer and history hold no reasoning", async () => {
    bot = await startReplayBot({ CACHE_TTL_SECONDS: "3600" });
    const transcript = loadTranscript("vllm/qwen3-open-think-in-prompt-stream.http");
    const answer = answerOf(transcript);
    bot.replay.play(transcript);
    const { result, progress } = await bot.ask("question?");
    expect(result.text).toBe(answer);
    expect(progress.some((p) => p.type === "restart")).toBe(true);
    expect((await history())[0]?.assistant).toBe(answer);
    const again = await bot.ask("question?", { threadId: "t2", userId: "u2" });
    expect(again.result.text).toBe(answer);
  });
});

describe("usage wherever the provider puts it (recorded streams)", () => {
  it("Moonshot: usage inside choices[0].usage, reasoning tokens apart", async () => {
    bot = await startReplayBot();
    bot.replay.play(loadTranscript("moonshot/choice-usage-stream.http"));
    const { result } = await bot.ask("q");
    expect(result.usage).toEqual({
      promptTokens: 12,
      completionTokens: 5,
      reported: true,
      reasoningTokens: 1,
    });
  });

  it("Groq: usage from x_groq.usage when the top level has none", async () => {
    bot = await startReplayBot();
    // The recorded Groq stream with its top-level usage removed, as older Groq streams sent it.
    const recorded = loadTranscript("groq/llama-text-stream.http");
    const xGroqOnly = recorded.body.toString("utf8").replace(/,"usage":\{[^}]*\}(\}\n)/, "$1");
    expect(xGroqOnly).toContain('"x_groq":{"id":"req_01kh52ndshfr2azv0xe6tnv4fx","usage"');
    expect(xGroqOnly).not.toMatch(/\}\},"usage":\{"queue_time/);
    bot.replay.play({ ...recorded, body: Buffer.from(xGroqOnly) });
    const { result } = await bot.ask("q");
    expect(result.usage).toMatchObject({ promptTokens: 45, completionTokens: 662, reported: true });
  });

  it("DeepSeek: cached prompt tokens and reasoning tokens kept apart", async () => {
    bot = await startReplayBot();
    bot.replay.play(loadTranscript("deepseek/reasoner-stream.http"));
    const { result } = await bot.ask("q");
    expect(result.usage).toEqual({
      promptTokens: 18,
      completionTokens: 219,
      reported: true,
      reasoningTokens: 205,
    });
  });
});

describe("history records the visible answer's own size, not the reasoning", () => {
  it("DeepSeek reasoner: 219 completion tokens of which 205 reasoning are remembered as 14", async () => {
    bot = await startReplayBot();
    bot.replay.play(loadTranscript("deepseek/reasoner-stream.http"));
    await bot.ask("q");
    expect((await history())[0]?.assistantTokens).toBe(219 - 205 + MESSAGE_OVERHEAD_TOKENS);
  });

  it("Azure (hidden reasoning, none streamed): 78 completion tokens of which 64 reasoning are remembered as 14", async () => {
    bot = await startReplayBot();
    bot.replay.play(loadTranscript("azure/model-router-stream.http"));
    await bot.ask("q");
    expect((await history())[0]?.assistantTokens).toBe(78 - 64 + MESSAGE_OVERHEAD_TOKENS);
  });

  it("vLLM <think> in content, no reasoning count: the answer is counted, not the completion", async () => {
    bot = await startReplayBot();
    const transcript = loadTranscript("vllm/qwen3-think-in-content-stream.http");
    bot.replay.play(transcript);
    await bot.ask("q");
    const answer = answerOf(transcript);
    expect((await history())[0]?.assistantTokens).toBe(new TokenCounter().countMessage(answer));
  });
});
