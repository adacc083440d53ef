import { JumpingClock } from "../../test/support/services.ts";
import { startRateLimitedOpenAI } from "../fakes/rate-limited-openai.ts";
import type { Table } from "../support/markdown.ts";
import { prepareClient } from "./clients.ts";
import { burstQuestions } from "./scenario.ts";

/**
 * The same burst against a real per-minute window, with the waits skipped: the bot's clock jumps over
 * every sleep and the fake's windows follow that clock. Counts only (time is not real here).
 */
export async function realScaleTable(): Promise<Table> {
  const rows: string[][] = [];
  for (const [label, env] of [
    ["this bot, defaults (LLM_DEADLINE_MS=60000)", {}],
    ["this bot, LLM_DEADLINE_MS=180000", { LLM_DEADLINE_MS: "180000" }],
  ] as const) {
    const clock = new JumpingClock();
    const fake = await startRateLimitedOpenAI({
      requestsPerWindow: 10,
      windowMs: 60_000,
      now: () => clock.now(),
    });
    try {
      const counts = await prepareClient({ kind: "bot", env }, fake.url, { clock })(
        burstQuestions(30, "minute"),
      );
      const seen = fake.counts();
      rows.push([
        label,
        String(counts.answered),
        String(counts.failed),
        String(seen.rejected),
        String(seen.requests),
      ]);
    } finally {
      await fake.close();
    }
  }
  return {
    title:
      "At real scale: R = 10 per 60 s window, N = 30 at once (waits skipped by a clock the bot and the fake share; counts only)",
    headers: ["Client", "answered", "failed (told “rate limited”)", "429s received", "requests sent"],
    rows,
  };
}
