import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { loadTranscript } from "./replay-server.ts";
import { deltaText, startReplayBot } from "./support.ts";

let bot: Awaited<ReturnType<typeof startReplayBot>>;

afterEach(async () => {
  await bot.close();
});

// The idle timer is a real timer (it guards real sockets), so the provider's pauses are real too:
// each pause is below the timeout, their sum is above it.
const TIMEOUT_MS = 400;
const PAUSE_MS = 150;

describe("SSE comments and any received bytes keep a stream alive", () => {
  it("DeepSeek keep-alive comments while queued: answered by the first request, no retry", async () => {
    bot = await startReplayBot(
      { LLM_TIMEOUT_MS: String(TIMEOUT_MS), LLM_MAX_ATTEMPTS: "2" },
      {
        beforeEvent: async (_index, event) => {
          if (event.startsWith(":")) await sleep(PAUSE_MS);
        },
      },
    );
    const transcript = loadTranscript("deepseek/reasoner-keep-alive-stream.http");
    expect(transcript.body.toString("utf8").match(/^: keep-alive$/gm)?.length).toBe(3);
    bot.replay.play(transcript);
    const { result } = await bot.ask("q");
    expect(result.failure).toBeUndefined();
    expect(result.text).toBe(deltaText(transcript, "content"));
    expect(bot.replay.requests).toHaveLength(1);
  });

  it("a stream that sends nothing at all is still ended by the idle timer", async () => {
    let release: (() => void) | undefined;
    const silence = new Promise<void>((resolve) => {
      release = resolve;
    });
    bot = await startReplayBot(
      { LLM_TIMEOUT_MS: String(TIMEOUT_MS), LLM_MAX_ATTEMPTS: "1" },
      { beforeEvent: (index) => (index === 3 ? silence : undefined) },
    );
    bot.replay.play(loadTranscript("deepseek/reasoner-keep-alive-stream.http"));
    const { result } = await bot.ask("q");
    release?.();
    expect(result.failure?.code).toBe("timed_out");
  });
});
