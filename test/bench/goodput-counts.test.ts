import { afterEach, describe, expect, it } from "vitest";
import { type RateLimitedOpenAI, startRateLimitedOpenAI } from "../../bench/fakes/rate-limited-openai.ts";
import { prepareClient } from "../../bench/goodput/clients.ts";
import { burstQuestions } from "../../bench/goodput/scenario.ts";
import { JumpingClock } from "../support/services.ts";

/**
 * The goodput benchmark at a tiny scale, in the time of a jumping clock shared by the bot's client
 * and the fake's windows: every wait the client asks for passes at once, and the fake answers at
 * once (time to headers = whole answer, the hardest case for pacing from headers). The window is the
 * benchmark's scaled-down 3 s: with a real minute, the default 60 s LLM_DEADLINE_MS turns every
 * question beyond the first window into a "rate limited" answer (see BENCHMARKS.md). Counts only.
 */
describe("goodput scenario counts (R = 10 per 3 s window, a burst of N = 3R)", () => {
  let fake: RateLimitedOpenAI | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function burst(env: Record<string, string>) {
    const clock = new JumpingClock();
    fake = await startRateLimitedOpenAI({ requestsPerWindow: 10, windowMs: 3000, now: () => clock.now() });
    const run = prepareClient({ kind: "bot", env }, fake.url, { clock });
    const counts = await run(burstQuestions(30, "test"));
    return { counts, fake: fake.counts() };
  }

  it("this bot with its defaults answers every question, within the limit", async () => {
    const { counts, fake: seen } = await burst({});
    expect(counts).toEqual({ answered: 30, failed: 0 });
    expect(seen.admitted).toBe(30);
    expect(Math.max(...seen.windows.map((window) => window.admitted))).toBeLessThanOrEqual(10);
    // The goal is at most 5 % of requests answered 429; BENCHMARKS.md measures it in real time
    // (0 % there). Here time jumps while requests are in flight, which skews the reset times learned
    // from headers by up to half a jump: 0–3 429s of ~33 measured. A regression beyond that fails.
    expect(seen.rejected / seen.requests).toBeLessThanOrEqual(0.15);
  });

  it("with the concurrency cap at R the bot still fails no question", async () => {
    const { counts, fake: seen } = await burst({ LLM_MAX_CONCURRENCY: "10" });
    expect(counts.failed).toBe(0);
    expect(seen.admitted).toBe(30);
    expect(Math.max(...seen.windows.map((window) => window.admitted))).toBeLessThanOrEqual(10);
  });
});
