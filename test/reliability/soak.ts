import { parseArgs } from "node:util";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { startReliabilityBot } from "./support/bot.ts";
import { LatencyModel, quantile, runEngineLoad } from "./support/engine-load.ts";
import { runPlatformLoad } from "./support/platform-load.ts";

/**
 * `npm run soak [-- --minutes 10 --concurrency 250 --latency-ms 20]`: the long version of the load test.
 *
 * 1. The engine: waves of `concurrency` conversations x `turns` turns against a model with a fixed
 *    latency, for `minutes`, on one long-lived engine whose history and cache are capped at `concurrency`
 *    conversations. Per wave: answers, p50/p99 overhead (time to the final answer minus the model's own
 *    latency, with `concurrency` conversations in flight) and the heap after a full collection.
 * 2. Both adapters: `adapter-rounds` rounds of 20 Discord and 50 Slack conversations at once, through
 *    the real adapters and the fake platforms.
 *
 * Exits 1 if an answer was lost or duplicated, a request lacked its history, or the heap kept growing.
 */
const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "5" },
    turns: { type: "string", default: "10" },
    concurrency: { type: "string", default: "250" },
    "latency-ms": { type: "string", default: "20" },
    "answer-chars": { type: "string", default: "1500" },
    "adapter-rounds": { type: "string", default: "3" },
  },
});
const option = (name: keyof typeof values) => Number(values[name]);
const MB = 1024 * 1024;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const print = (line: string) => process.stdout.write(`${line}\n`);

async function soakEngine(): Promise<boolean> {
  const concurrency = option("concurrency");
  const deadline = Date.now() + option("minutes") * 60_000;
  const cap = String(concurrency);
  print(
    `engine: waves of ${concurrency} conversations x ${option("turns")} turns for ${option("minutes")} min, ` +
      `model latency ${option("latency-ms")} ms, history and cache capped at ${cap} conversations`,
  );
  let waveStarted = Date.now();
  const result = await runEngineLoad({
    conversations: Number.MAX_SAFE_INTEGER,
    turns: option("turns"),
    concurrency,
    model: new LatencyModel(option("latency-ms") / 2, 2, option("answer-chars")),
    env: { HISTORY_MAX_CONVERSATIONS: cap, CACHE_MAX_ENTRIES: cap },
    stop: () => Date.now() >= deadline,
    onWave: (wave, heap, overheadMs) => {
      const seconds = (Date.now() - waveStarted) / 1000;
      print(
        `  wave ${wave}: ${overheadMs.length} answers in ${seconds.toFixed(1)} s; overhead p50 ` +
          `${ms(quantile(overheadMs, 0.5))}, p99 ${ms(quantile(overheadMs, 0.99))}; heap ${mb(heap)}`,
      );
      waveStarted = Date.now();
    },
  });
  // The caps are reached during the first wave: from the second on, the heap must stay level.
  const settled = result.heapByWave.slice(1);
  const growth = settled.length > 1 ? Math.max(...settled) - (settled[0] ?? 0) : 0;
  const ok =
    result.lost === 0 &&
    result.duplicated === 0 &&
    result.historyMismatches === 0 &&
    result.historyConversations <= concurrency &&
    growth < 16 * MB;
  print(
    `engine: ${result.turns} answers; lost ${result.lost}, duplicated ${result.duplicated}, history ` +
      `mismatches ${result.historyMismatches}; overhead p50 ${ms(quantile(result.overheadMs, 0.5))}, p99 ` +
      `${ms(quantile(result.overheadMs, 0.99))}; heap growth after the first wave ${mb(growth)} ` +
      `(${ok ? "levelled off" : "NOT OK"})`,
  );
  return ok;
}

async function soakAdapters(): Promise<boolean> {
  const rounds = option("adapter-rounds");
  if (rounds <= 0) return true;
  const bot = await startReliabilityBot({
    env: { LLM_MAX_CONCURRENCY: "16", LLM_TIMEOUT_MS: "10000", LOG_LEVEL: "warn" },
  });
  bot.core.fakeOpenAI.setResponder((request) => ({
    kind: "text",
    text: `Echo: ${lastUserMessage(request)}`,
    chunks: 4,
    chunkDelayMs: 25,
  }));
  let ok = true;
  try {
    for (let round = 1; round <= rounds; round++) {
      const started = Date.now();
      const result = await runPlatformLoad(bot, { discord: 20, slack: 50 }, option("turns"));
      ok &&= result.lost === 0 && result.duplicated === 0 && result.historyMismatches === 0;
      print(
        `adapters, round ${round}: ${result.answered}/${result.turns} answered in ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s; lost ${result.lost}, duplicated ` +
          `${result.duplicated}, history mismatches ${result.historyMismatches}`,
      );
    }
    const leaks = bot.leaks();
    if (leaks.length > 0 || bot.guard.problems.length > 0) {
      ok = false;
      print(`problems: ${[...leaks, ...bot.guard.problems].join("; ")}`);
    }
  } finally {
    await bot.close();
  }
  return ok;
}

const engineOk = await soakEngine();
const adaptersOk = await soakAdapters();
print(engineOk && adaptersOk ? "soak: OK" : "soak: FAILED");
process.exit(engineOk && adaptersOk ? 0 : 1);
