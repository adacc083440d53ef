import { afterEach, describe, expect, it } from "vitest";
import type { JumpingClock } from "../support/services.ts";
import { loadTranscript } from "./replay-server.ts";
import { chunksOf, deltaText, startReplayBot } from "./support.ts";

let bot: Awaited<ReturnType<typeof startReplayBot>>;

afterEach(async () => {
  await bot.close();
});

// Each recorded event "takes" this long on the bot's clock: the reasoning phase lasts seconds.
const STEP_MS = 250;

describe("a long reasoning phase shows as Thinking… with elapsed time, not as a hang", () => {
  it("DeepSeek reasoner: thinking progress about once a second while reasoning, then the answer", async () => {
    let clock: JumpingClock | undefined;
    bot = await startReplayBot({}, { beforeEvent: () => clock?.sleep(STEP_MS) });
    clock = bot.clock;
    const transcript = loadTranscript("deepseek/reasoner-stream.http");
    const reasoningChunks = chunksOf(transcript).filter((chunk) =>
      JSON.stringify(chunk).includes('"reasoning_content":"'),
    ).length;
    bot.replay.play(transcript);

    const { progress, result } = await bot.ask("q");
    expect(result.text).toBe(deltaText(transcript, "content"));
    const elapsed = progress.flatMap((p) => (p.type === "thinking" ? [p.elapsedMs] : []));
    // The reasoning lasted about reasoningChunks × STEP_MS; one progress a second, the first at once.
    const seconds = (reasoningChunks * STEP_MS) / 1000;
    expect(elapsed.length).toBeGreaterThanOrEqual(Math.floor(seconds * 0.8));
    expect(elapsed.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(elapsed[0]).toBe(0);
    for (let i = 1; i < elapsed.length; i++) {
      expect((elapsed[i] ?? 0) - (elapsed[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
  });
});
