import { dayOf, usageKeys } from "../../src/usage/usage-keys.ts";
import { startFakeOpenAI } from "../../test/fakes/openai-server.ts";
import { askTimed, benchTurn, createBenchBot } from "../support/bot.ts";
import type { GoalResult, Section } from "../support/markdown.ts";
import { seededRandom } from "../support/random.ts";
import { formatNumber, formatSpread, quantile, spread } from "../support/stats.ts";
import { type CacheWorkload, cacheWorkload, channelsOf } from "./workload.ts";

export interface CacheProfile {
  questions: number;
  distinct: number;
  /** Questions in flight at once ("partly concurrent"). */
  inFlight: number;
  repetitions: number;
  /** Runs of the no-cache baseline (its count is fixed; only its latency varies). */
  baselineRepetitions: number;
  /** The fake's answer time: first chunk after `chunkDelayMs`, `chunks` chunks. */
  chunks: number;
  chunkDelayMs: number;
}

export interface CacheRun {
  upstreamCalls: number;
  hits: number;
  coalesced: number;
  misses: number;
  savedTokens: number;
  upstreamTokens: number;
  failed: number;
  hitLatenciesMs: number[];
  coalescedLatenciesMs: number[];
  missLatenciesMs: number[];
}

/** The same concurrency for both rows, so the no-cache baseline finishes in seconds. */
export const CACHE_BENCH_ENV = { LLM_MAX_CONCURRENCY: "16" };

/**
 * Asks the workload's questions, `inFlight` at a time, each as the first turn of a new thread by a
 * different user in one workspace. A question asked after its first answer completed is a hit by
 * construction (TTL 1 h, capacity ≥ distinct); one asked while it is being computed waits on it.
 */
export async function runCacheWorkload(
  workload: CacheWorkload,
  profile: Pick<CacheProfile, "inFlight" | "chunks" | "chunkDelayMs">,
  cacheOn: boolean,
): Promise<CacheRun> {
  const fake = await startFakeOpenAI();
  fake.setResponder((request) => {
    const question = request.body.messages.at(-1)?.content ?? "";
    return {
      kind: "text",
      text: `Here is how: ${question} — step one, step two, step three, and a short summary at the end.`,
      chunks: profile.chunks,
      chunkDelayMs: profile.chunkDelayMs,
    };
  });
  const bot = createBenchBot(fake.url, {
    ...CACHE_BENCH_ENV,
    ...(cacheOn ? {} : { CACHE_TTL_SECONDS: "0" }),
  });
  const random = seededRandom(5);
  const firstAnsweredAt = new Map<number, number>();
  const run: CacheRun = {
    upstreamCalls: 0,
    hits: 0,
    coalesced: 0,
    misses: 0,
    savedTokens: 0,
    upstreamTokens: 0,
    failed: 0,
    hitLatenciesMs: [],
    coalescedLatenciesMs: [],
    missLatenciesMs: [],
  };
  const turns = workload.asked.map((text, index) =>
    benchTurn({ threadId: `cache-${index}`, userId: `U${index % 97}`, channelId: channelsOf(random), text }),
  );
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: profile.inFlight }, async () => {
        for (let index = next++; index < turns.length; index = next++) {
          const question = workload.sequence[index] ?? -1;
          const answeredBefore = firstAnsweredAt.get(question);
          const outcome = await askTimed(bot.engine, turns[index] as (typeof turns)[number]);
          const latency = outcome.endedAt - outcome.startedAt;
          if (outcome.result.failure) run.failed++;
          if (!firstAnsweredAt.has(question)) firstAnsweredAt.set(question, outcome.endedAt);
          if (!outcome.result.cached) run.missLatenciesMs.push(latency);
          else if (answeredBefore !== undefined && answeredBefore <= outcome.startedAt)
            run.hitLatenciesMs.push(latency);
          else run.coalescedLatenciesMs.push(latency);
        }
      }),
    );
    const stats = bot.stores.cache?.stats() ?? { hits: 0, coalesced: 0, misses: 0 };
    const totals = await bot.stores.usage.get(
      usageKeys.workspaceDay(turns[0] ?? benchTurn({ threadId: "", text: "" }), dayOf(Date.now())),
    );
    Object.assign(run, {
      upstreamCalls: fake.requests.length,
      hits: stats.hits,
      coalesced: stats.coalesced,
      misses: stats.misses,
      savedTokens: totals.savedTokens,
      upstreamTokens: totals.promptTokens + totals.completionTokens,
    });
    return run;
  } finally {
    await fake.close();
  }
}

export async function measureCache(profile: CacheProfile, log: (line: string) => void): Promise<Section> {
  const workload = cacheWorkload(profile.questions, profile.distinct);
  const withCache: CacheRun[] = [];
  const withoutCache: CacheRun[] = [];
  for (let rep = 0; rep < profile.repetitions; rep++) {
    withCache.push(await runCacheWorkload(workload, profile, true));
    if (rep < profile.baselineRepetitions)
      withoutCache.push(await runCacheWorkload(workload, profile, false));
    log(`  cache repetition ${rep + 1}/${profile.repetitions} done`);
  }
  const p50 = (runs: CacheRun[], pick: (run: CacheRun) => number[]) =>
    formatSpread(spread(runs.map((run) => quantile(pick(run), 0.5))), 2);
  const count = (runs: CacheRun[], pick: (run: CacheRun) => number) =>
    formatSpread(spread(runs.map(pick)), 0);
  const row = (name: string, runs: CacheRun[]) => [
    name,
    count(runs, (run) => run.upstreamCalls),
    `${count(runs, (run) => run.hits)} / ${count(runs, (run) => run.coalesced)} / ${count(runs, (run) => run.misses)}`,
    count(runs, (run) => run.upstreamTokens),
    count(runs, (run) => run.savedTokens),
    p50(runs, (run) => run.hitLatenciesMs),
    p50(runs, (run) => run.coalescedLatenciesMs),
    p50(runs, (run) => [...run.missLatenciesMs]),
    count(runs, (run) => run.failed),
  ];
  const worstCalls = Math.max(...withCache.map((run) => run.upstreamCalls));
  const bestCalls = Math.min(...withCache.map((run) => run.upstreamCalls));
  const goals: GoalResult[] = [
    {
      goal: `exactly ${profile.distinct} upstream calls for ${profile.questions} questions (every repetition)`,
      verdict: worstCalls === profile.distinct && bestCalls === profile.distinct ? "met" : "missed",
      detail: `${bestCalls === worstCalls ? worstCalls : `${bestCalls}–${worstCalls}`} upstream calls`,
    },
  ];
  const baselineTokens = spread(withoutCache.map((run) => run.upstreamTokens)).median;
  const cachedTokens = spread(withCache.map((run) => run.upstreamTokens)).median;
  const engineSaved = spread(withCache.map((run) => run.savedTokens)).median;
  const measuredSaved = baselineTokens - cachedTokens;
  return {
    title: "3. Cache savings",
    intro: [
      `${profile.questions} first-turn questions over ${profile.distinct} distinct ones, Zipf-distributed (exponent 1; each ` +
        `distinct question at least once; repeats vary case and spacing), ${profile.inFlight} in flight at a time, each in a ` +
        "new thread by one of 97 users across 5 channels of one workspace (CACHE_SCOPE=workspace, the default). The " +
        `project's fake streams each answer in ${profile.chunks} chunks ${profile.chunkDelayMs} ms apart. ` +
        `Both rows use LLM_MAX_CONCURRENCY=${CACHE_BENCH_ENV.LLM_MAX_CONCURRENCY}; ${profile.repetitions} repetitions with the cache ` +
        `(${Math.min(profile.baselineRepetitions, profile.repetitions)} without), median (min–max).`,
      "A hit is a question asked after its first answer completed; coalesced means it arrived while that answer " +
        "was being computed and shared it. Tokens are the engine's usage counters (upstream = prompt + completion " +
        "tokens the provider reported; saved = what the cached answers would have cost).",
    ],
    tables: [
      {
        headers: [
          "Configuration",
          "upstream calls",
          "hits / coalesced / misses",
          "upstream tokens",
          "tokens saved (engine counter)",
          "p50 hit (ms)",
          "p50 coalesced (ms)",
          "p50 miss (ms)",
          "failed",
        ],
        rows: [
          row("answer cache on (defaults)", withCache),
          row("cache off (CACHE_TTL_SECONDS=0)", withoutCache),
        ],
      },
    ],
    goals,
    notes: [
      `Upstream tokens with the cache: ${formatNumber((cachedTokens / baselineTokens) * 100, 1)} % of the no-cache run ` +
        `(median ${cachedTokens.toLocaleString("en-US")} vs ${baselineTokens.toLocaleString("en-US")}): ` +
        `${measuredSaved.toLocaleString("en-US")} tokens saved as the provider counts them. The engine's own ` +
        `\`savedTokens\` counter reports ${engineSaved.toLocaleString("en-US")} ` +
        `(${formatNumber((engineSaved / measuredSaved) * 100, 0)} % of that): it counts the question and the answer of ` +
        "each hit, not the system prompt and message framing a real call would have sent again.",
    ],
  };
}
