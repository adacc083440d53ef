import { parseConfig } from "../../src/config/config.ts";
import type { SharedRedis } from "../goodput/measure.ts";
import type { Section, Table } from "../support/markdown.ts";
import { formatNumber } from "../support/stats.ts";
import type { RealisticClientKind, RealisticRun } from "./clients.ts";
import { realisticGoals } from "./goals.ts";
import { planQuestions, type Scenario } from "./plan.ts";
import { RealisticProcesses } from "./processes.ts";
import { type ContinuousOpenAI, startContinuousOpenAI } from "./provider.ts";
import {
  botLabel,
  ORACLE,
  REPLICAS,
  type RealisticProfile,
  type ScenarioRun,
  SDK,
  scenarios,
  summarize,
  TUTORIAL,
} from "./scenarios.ts";

const config = parseConfig({ OPENAI_API_KEY: "bench" });
const BOT = botLabel(config.LLM_MAX_CONCURRENCY);

interface ClientSpec {
  name: string;
  kind: RealisticClientKind;
  replicas?: number;
}

function clientSpecs(redis: SharedRedis): ClientSpec[] {
  return [
    { name: BOT, kind: "bot" },
    ...("url" in redis ? [{ name: REPLICAS, kind: "bot" as const, replicas: 2 }] : []),
    { name: SDK, kind: "sdk" },
    { name: TUTORIAL, kind: "tutorial" },
    { name: ORACLE, kind: "oracle" },
  ];
}

/** Every client meets the same questions at the same moments, each against its own provider, side by side. */
async function runScenario(
  scenario: Scenario,
  seed: number,
  profile: RealisticProfile,
  processes: RealisticProcesses[],
  specs: ClientSpec[],
): Promise<ScenarioRun> {
  const questions = planQuestions(scenario, profile.requestsPerMinute, seed);
  const ms = profile.msPerSecond;
  const limits = {
    requests: profile.requestsPerMinute,
    tokens: profile.tokensPerMinute,
    periodMs: 60 * ms,
    startFull: scenario.startFull,
  };
  const providerOptions = { ...limits, msPerSecond: ms, chunkIntervalMs: profile.chunkIntervalMs };
  const warmup = await startContinuousOpenAI({
    ...providerOptions,
    requests: 1e9,
    tokens: 1e12,
    startFull: 1,
  });
  const providers: ContinuousOpenAI[] = await Promise.all(
    specs.map(() => startContinuousOpenAI(providerOptions)),
  );
  try {
    await Promise.all(
      processes.map((client, index) => {
        const run: RealisticRun = {
          kind: specs[index]?.kind ?? "sdk",
          baseUrl: providers[index]?.url ?? "",
          questions,
          msPerSecond: ms,
          deadlineMs: profile.deadlineSeconds * ms,
          limits,
          maxTokens: config.MAX_TOKENS,
          // The deadline is part of the scale: a simulated minute.
          env: { LLM_DEADLINE_MS: String(Math.round(profile.deadlineSeconds * ms)) },
        };
        return client.prepare(run, warmup.url);
      }),
    );
    const startEpoch = performance.timeOrigin + performance.now() + 200;
    for (const provider of providers) provider.begin(startEpoch);
    const records = await Promise.all(processes.map((client) => client.go(startEpoch)));
    return {
      scenario,
      questions,
      results: records.map((list, index) => ({
        client: specs[index]?.name ?? "?",
        records: list,
        provider: providers[index]?.counts() ?? {
          requests: 0,
          admitted: 0,
          rejected: 0,
          lowestRequests: 0,
          lowestTokens: 0,
        },
      })),
    };
  } finally {
    await Promise.all([...providers, warmup].map((provider) => provider.close()));
  }
}

const s = (value: number) => formatNumber(value, 2);
const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function scenarioTable(run: ScenarioRun, ms: number): Table {
  const burst = run.scenario.burst !== undefined;
  return {
    title: `${run.scenario.name} of the limit: ${run.questions.length} questions`,
    headers: [
      "Client",
      "first words p50 / p99 (s)",
      "completion p50 / p99 (s)",
      "answered",
      "refused at once (slowest, s)",
      "failed",
      "429 share of requests",
      "makespan (s)",
      ...(burst ? ["other workspaces: first words p99 (s)"] : []),
    ],
    rows: run.results.map((result) => {
      const all = summarize(result, run.questions, ms);
      const others = summarize(result, run.questions, ms, (question) => !question.burst);
      return [
        result.client,
        `${s(all.firstP50)} / ${s(all.firstP99)}`,
        `${s(all.doneP50)} / ${s(all.doneP99)}`,
        String(all.answered),
        all.refused > 0 ? `${all.refused} (${s(all.slowestRefusal)})` : "0",
        String(all.failed),
        `${percent(all.rejectedShare)} of ${all.requests}`,
        s(all.makespan),
        ...(burst ? [s(others.firstP99)] : []),
      ];
    }),
  };
}

export async function measureRealistic(
  profile: RealisticProfile,
  redis: SharedRedis,
  log: (line: string) => void,
): Promise<Section> {
  const specs = clientSpecs(redis);
  const redisUrl = "url" in redis ? redis.url : undefined;
  const processes = specs.map((spec) =>
    RealisticProcesses.start(spec.name, spec.replicas ?? 1, spec.replicas ? redisUrl : undefined),
  );
  const runs: ScenarioRun[] = [];
  try {
    for (const [index, scenario] of scenarios(profile).entries()) {
      // The burst case and its baseline share a seed: the same questions, with and without the burst.
      const seed = 1000 + Math.min(index, 3);
      runs.push(await runScenario(scenario, seed, profile, processes, specs));
      log(`  realistic load: ${scenario.name} done`);
    }
  } finally {
    await Promise.all(processes.map((client) => client.stop()));
  }
  const scale = 1000 / profile.msPerSecond;
  return {
    title: "6. Latency under realistic load",
    intro: [
      `A fake provider with OpenAI's kind of limits (bench/realistic/provider.ts): ${profile.requestsPerMinute} requests and ` +
        `${formatNumber(profile.tokensPerMinute, 0)} tokens per minute in buckets refilled continuously, checked on arrival; ` +
        "every response carries x-ratelimit-limit/remaining/reset for both, a 429 OpenAI's error body and `retry-after`. " +
        "Answers take 0.3–1 s to the first token, then 50–800 tokens at 30–100 tokens/s (drawn per question). " +
        `Questions arrive as a Poisson process at 50 %, 90 % and 150 % of the request limit for ${profile.seconds} s from ` +
        `${4} workspaces of 5 users; the burst case adds one workspace asking 30 questions at once at ${Math.round(profile.seconds / 3)} s ` +
        "into a 50 % load, and runs the same questions without the burst as its baseline. Below the limit the buckets " +
        "start full (the steady state), above it empty.",
      `Time is compressed ${formatNumber(scale, 0)}×: the provider's minute lasts ${formatNumber((60 * profile.msPerSecond) / 1000, 1)} s, ` +
        "and every duration it states (reset headers, retry-after, first token, streaming) is scaled alike, so every " +
        "ratio between limits, arrivals and answers is the real one; the bot's LLM_DEADLINE_MS is scaled too (a " +
        `simulated ${profile.deadlineSeconds} s). All figures are in simulated seconds. What is not scaled is CPU: ` +
        `a millisecond of the bot's own work reads as ${formatNumber(scale / 1000, 2)} s here, which makes the bot look slower than it is.`,
      "Each client runs in its own process against its own provider, all started at the same moment with the same " +
        "questions at the same instants; the bot answers through its real engine and client. The SDK and the tutorial " +
        "loop send the bare question; the bot adds its system prompt. The oracle holds an exact copy of the provider's " +
        "buckets and sends each question the instant it will be admitted, first come first served: the physical limit. " +
        "The bot runs with the fairness key set around each turn (`fairnessScope.run({workspaceId, userId}, …)`).",
    ],
    tables: runs.map((run) => scenarioTable(run, profile.msPerSecond)),
    goals: realisticGoals(runs, profile.msPerSecond, BOT),
    notes: [
      "Refused = told at once that the wait would pass the deadline (the bot's rate-limited message; the oracle's exact " +
        "refusal). Failed = an error after trying (the SDK's and the tutorial's 429s after their retries).",
      "One run on this machine; p99 of a few dozen questions is close to their maximum.",
    ],
  };
}
