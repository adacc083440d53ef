import { parseConfig } from "../../src/config/config.ts";
import type { GoalResult, Section } from "../support/markdown.ts";
import { formatNumber, formatSpread, median, spread } from "../support/stats.ts";
import { ClientProcesses, type GoodputClient } from "./processes.ts";
import { realScaleTable } from "./real-scale.ts";
import {
  type BurstRun,
  breakDown,
  idealMakespanMs,
  type LimitShape,
  measureServiceMs,
  runRepetition,
} from "./scenario.ts";

/** The default from the config module, so the labels follow it. */
const DEFAULT_CONCURRENCY = parseConfig({ OPENAI_API_KEY: "bench" }).LLM_MAX_CONCURRENCY;

export interface GoodputProfile {
  shape: LimitShape;
  repetitions: number;
}

/** Where two bot processes can share their limiter, or why they cannot in this run. */
export type SharedRedis = { url: string } | { unavailable: string };

interface ClientRuns {
  client: GoodputClient;
  runs: BurstRun[];
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

export function goodputClients(shape: LimitShape, redis: SharedRedis): GoodputClient[] {
  const r = String(shape.requestsPerWindow);
  const bot = (name: string, env: Record<string, string> = {}): GoodputClient => ({
    name,
    spec: { kind: "bot", env },
  });
  const replicas: GoodputClient[] =
    "url" in redis
      ? [
          {
            name: `2 bot processes sharing Redis, defaults (${DEFAULT_CONCURRENCY} each)`,
            spec: { kind: "bot" },
            replicas: { count: 2, redisUrl: redis.url },
          },
          {
            name: `2 bot processes sharing Redis, LLM_MAX_CONCURRENCY=${r} each`,
            spec: { kind: "bot", env: { LLM_MAX_CONCURRENCY: r } },
            replicas: { count: 2, redisUrl: redis.url },
          },
        ]
      : [];
  return [
    bot(`this bot, defaults (LLM_MAX_CONCURRENCY=${DEFAULT_CONCURRENCY})`),
    bot(`this bot, LLM_MAX_CONCURRENCY=${r} (= R)`, { LLM_MAX_CONCURRENCY: r }),
    bot(`this bot, LLM_MAX_CONCURRENCY=${shape.questions} (= N, no cap)`, {
      LLM_MAX_CONCURRENCY: String(shape.questions),
    }),
    ...replicas,
    { name: "openai SDK, default retries (2), no pacing", spec: { kind: "sdk" } },
    { name: "tutorial loop (5 workers, 3 tries, sleep retry-after)", spec: { kind: "tutorial" } },
  ];
}

/** Every client meets the same burst in each repetition, side by side, each against its own fake. */
export async function measureGoodput(
  profile: GoodputProfile,
  redis: SharedRedis,
  log: (line: string) => void,
): Promise<Section> {
  const { shape } = profile;
  const serviceMs = await measureServiceMs(shape);
  const clients = goodputClients(shape, redis);
  const results: ClientRuns[] = clients.map((client) => ({ client, runs: [] }));
  const processes = clients.map((client) => ClientProcesses.start(client));
  try {
    for (let rep = 0; rep < profile.repetitions; rep++) {
      const runs = await runRepetition(processes, shape, `${rep}`);
      runs.forEach((run, index) => {
        results[index]?.runs.push(run);
      });
      log(`  goodput repetition ${rep + 1}/${profile.repetitions} done`);
    }
  } finally {
    await Promise.all(processes.map((client) => client.stop()));
  }
  const ideal = idealMakespanMs(shape, serviceMs);
  const realScale = await realScaleTable();

  const rows = results.map(({ client, runs }) => {
    const ratio = spread(runs.map((run) => (run.endedAt - run.startedAt) / ideal));
    const makespan = spread(runs.map((run) => (run.endedAt - run.startedAt) / 1000));
    const rejected = spread(runs.map((run) => run.fake.rejected));
    const share = spread(runs.map((run) => run.fake.rejected / run.fake.requests));
    const failed = spread(runs.map((run) => run.failed));
    const requests = spread(runs.map((run) => run.fake.requests));
    return [
      client.name,
      formatSpread(ratio, 3),
      formatSpread(makespan, 2),
      formatSpread(rejected, 0),
      `${percent(share.median)} (max ${percent(share.max)})`,
      formatSpread(failed, 0),
      formatSpread(requests, 0),
    ];
  });

  const breakdownRows = results.map(({ client, runs }) => {
    const parts = runs.map((run) => breakDown(run, shape, serviceMs));
    const m = (pick: (part: (typeof parts)[number]) => number) => formatNumber(median(parts.map(pick)), 0);
    return [
      client.name,
      m((part) => part.makespanMs - part.idealMs),
      m((part) => part.startLagMs),
      m((part) => part.extraWindows),
      m((part) => part.resetLagMs),
      m((part) => part.lastWindowExcessMs),
    ];
  });

  const defaults = results[0] as ClientRuns;
  const goals = goodputGoals(defaults.runs, shape, serviceMs);
  const overWindow = results.flatMap(({ runs }) =>
    runs.flatMap((run) => run.fake.windows.filter((window) => window.admitted > shape.requestsPerWindow)),
  );

  return {
    title: "1. Goodput under a rate limit",
    intro: [
      `The fake admits R = ${shape.requestsPerWindow} requests per ${shape.windowMs / 1000} s window` +
        (shape.tokensPerWindow ? ` and ${shape.tokensPerWindow} tokens` : "") +
        `; a window opens with the first request after the previous one closed. N = ${shape.questions} ` +
        `questions (3R) arrive at once. A 429 carries \`retry-after\` in fractional seconds and x-ratelimit-* ` +
        `headers; a 200 carries x-ratelimit-limit/remaining/reset-requests. One answer takes L = ` +
        `${formatNumber(serviceMs, 0)} ms (${shape.firstByteMs} ms to the first byte, ${shape.chunks} chunks ` +
        `${shape.chunkDelayMs} ms apart; measured). Ideal = (ceil(N/R) − 1) × W + L = ${formatNumber(ideal, 0)} ms.`,
      `${profile.repetitions} repetitions. In each, every client gets the same burst against its own fake, in its own ` +
        "process (prepared and warmed up with one question against an unlimited fake first), all started at the " +
        "same moment; makespan runs from that moment to the last answer. Figures: median (min–max).",
    ],
    tables: [
      {
        headers: [
          "Client",
          "makespan / ideal",
          "makespan (s)",
          "429s received",
          "429 share of requests",
          "failed questions",
          "requests sent",
        ],
        rows,
      },
      {
        title: "Where the time beyond the ideal went (ms, medians)",
        headers: [
          "Client",
          "excess over ideal",
          "start lag",
          "extra windows",
          "reset lag (idle after window ends)",
          "last window − L",
        ],
        rows: breakdownRows,
      },
      realScale,
    ],
    goals,
    notes: [
      "url" in redis
        ? "The Redis rows run two bot processes (each `createServices` with `createRedisStores`) against one fake and " +
          "one redis-server, each taking half of the burst; their limiter (cool-down, learned limits) is shared " +
          "through Redis, the concurrency cap is per process."
        : `Two bot processes sharing Redis: not measured (${redis.unavailable}).`,
      `Fake check: ${overWindow.length === 0 ? "no window admitted more than R requests." : `${overWindow.length} windows admitted more than R (fake bug).`}`,
      "The scaled-down runs keep the bot's `LLM_DEADLINE_MS` (60 s), which is then far longer than a window. At real " +
        "scale (last table) the wait for the next window is about a minute, longer than the deadline allows, so with " +
        "the defaults every question beyond the first window is answered with the rate-limited message at once. " +
        "`LLM_RPM` cannot express a window of seconds, so every bot row learns the limit from response headers only.",
    ],
  };
}

export function goodputGoals(runs: readonly BurstRun[], shape: LimitShape, serviceMs: number): GoalResult[] {
  const ideal = idealMakespanMs(shape, serviceMs);
  const worstFailed = Math.max(...runs.map((run) => run.failed));
  const worstShare = Math.max(...runs.map((run) => run.fake.rejected / run.fake.requests));
  const ratio = median(runs.map((run) => (run.endedAt - run.startedAt) / ideal));
  const parts = runs.map((run) => breakDown(run, shape, serviceMs));
  const stages: [string, number][] = [
    ["start lag", median(parts.map((part) => part.startLagMs))],
    ["extra windows", median(parts.map((part) => part.extraWindows * shape.windowMs))],
    ["reset lag (idle capacity after each window reset)", median(parts.map((part) => part.resetLagMs))],
    ["draining the last window (in-flight cap x L)", median(parts.map((part) => part.lastWindowExcessMs))],
  ];
  const [stage, stageMs] = stages.reduce((a, b) => (b[1] > a[1] ? b : a));
  // The start lag is the time from "go" to the first request reaching the fake: process scheduling,
  // not pacing. Shown separately so a busy machine is not mistaken for weak pacing.
  const pacingRatio = median(
    runs.map((run, index) => (run.endedAt - run.startedAt - (parts[index]?.startLagMs ?? 0)) / ideal),
  );
  return [
    {
      goal: "no failed question (defaults, worst repetition)",
      verdict: worstFailed === 0 ? "met" : "missed",
      detail: `${worstFailed} failed`,
    },
    {
      goal: "≤ 5 % of requests answered 429 (defaults, worst repetition)",
      verdict: worstShare <= 0.05 ? "met" : "missed",
      detail: percent(worstShare),
    },
    {
      goal: "makespan ≤ 1.05 × ideal (defaults, median)",
      verdict: ratio <= 1.05 ? "met" : "missed",
      detail:
        `${ratio.toFixed(3)} × ideal (${pacingRatio.toFixed(3)} × without the start lag)` +
        (ratio > 1.05
          ? `; dominated by ${stage}: ${formatNumber(stageMs, 0)} ms of ${formatNumber(ratio * ideal - ideal, 0)} ms excess`
          : ""),
    },
  ];
}
