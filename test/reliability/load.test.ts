import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { type ReliabilityBot, startReliabilityBot } from "./support/bot.ts";
import { canaryLeaks } from "./support/canary.ts";
import { LatencyModel, quantile, runEngineLoad } from "./support/engine-load.ts";
import { runPlatformLoad } from "./support/platform-load.ts";

/**
 * The small load test of `npm test` (the long one is `npm run soak`):
 * - engine: 1,000 conversations x 10 turns = 10,000 answers, 250 conversations at a time, a model
 *   with 2 x 5 ms of latency per answer, history and cache capped at 250 entries;
 * - adapters, scaled down: 10 conversations x 10 turns on Discord and 20 x 10 on Slack at the same
 *   time (300 answers) through the real adapters and their fakes, the fake OpenAI streaming 2 chunks
 *   10 ms apart. Discord's share is smaller because discord.js keeps to Discord's global limit of 50
 *   requests a second, and an answer takes three (typing, post, final edit): 100 answers take 6 s.
 */
const MB = 1024 * 1024;

describe("load", () => {
  it("1,000 conversations x 10 turns through the engine: each answered once, heap levels off under the caps", async () => {
    const model = new LatencyModel(5, 2, 600);
    const result = await runEngineLoad({
      conversations: 1000,
      turns: 10,
      concurrency: 250,
      model,
      env: { HISTORY_MAX_CONVERSATIONS: "250", CACHE_MAX_ENTRIES: "250" },
    });
    expect(result.answered).toBe(10_000);
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.historyMismatches).toBe(0);
    expect(model.calls).toBe(10_000);
    // Bounded by the caps, not by the number of conversations seen.
    expect(result.historyConversations).toBeLessThanOrEqual(250);
    expect(result.cachedAnswers).toBeLessThanOrEqual(250);
    // Once the caps are reached (after the first wave), live heap stops growing: without the history
    // cap it grows by about 2 MB a wave here.
    const [first, second, ...later] = result.heapByWave;
    expect(first).toBeDefined();
    for (const heap of later) expect(heap - (second ?? 0)).toBeLessThan(1.5 * MB);
    expect(canaryLeaks("logs", result.logs.text())).toEqual([]);
    process.stdout.write(
      `engine load: 10,000 answers; overhead p50 ${quantile(result.overheadMs, 0.5).toFixed(1)} ms, p99 ${quantile(
        result.overheadMs,
        0.99,
      ).toFixed(1)} ms (250 conversations in flight); heap by wave ${result.heapByWave
        .map((heap) => (heap / MB).toFixed(1))
        .join(", ")} MB\n`,
    );
  }, 60_000);

  describe("through both adapters", () => {
    let bot: ReliabilityBot;
    beforeAll(async () => {
      // A load test is not a timeout test: a generous LLM timeout, so a busy event loop never trips it.
      bot = await startReliabilityBot({
        env: { LLM_MAX_CONCURRENCY: "16", LLM_TIMEOUT_MS: "10000", LOG_LEVEL: "info" },
      });
      bot.core.fakeOpenAI.setResponder((request) => ({
        kind: "text",
        text: `Echo: ${lastUserMessage(request)}`,
        chunks: 2,
        chunkDelayMs: 10,
      }));
    });
    afterAll(async () => {
      await bot?.close();
    });

    it("10 conversations x 10 turns on Discord and 20 x 10 on Slack at once: no lost or duplicated reply", async () => {
      const result = await runPlatformLoad(bot, { discord: 10, slack: 20 }, 10);
      expect(result).toEqual({ turns: 300, answered: 300, lost: 0, duplicated: 0, historyMismatches: 0 });
      expect(bot.core.fakeOpenAI.requests).toHaveLength(300);
      expect(bot.guard.problems).toEqual([]);
      expect(bot.leaks()).toEqual([]);
    }, 60_000);
  });
});
