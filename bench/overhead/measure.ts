import { answerCacheKey } from "../../src/cache/cache-key.ts";
import { DEFAULT_SYSTEM_PROMPT } from "../../src/config/variables/core.ts";
import { systemClock } from "../../src/llm/clock.ts";
import { createMemoryStores } from "../../src/services.ts";
import { createBenchBot } from "../support/bot.ts";
import { startChildFake } from "../support/child-fake.ts";
import type { Section } from "../support/markdown.ts";
import { quantile, sum } from "../support/stats.ts";
import { type CpuShare, profileShares } from "./cpu-profile.ts";
import {
  installPrototypeProbes,
  STAGES,
  StageSamples,
  TimedAnswerCache,
  TimedLlmClient,
  timedStore,
} from "./probes.ts";
import {
  cacheKeyStage,
  label,
  type OverheadProfile,
  overheadSection,
  type ScenarioResult,
  type StageReport,
  totalStage,
} from "./section.ts";
import {
  botSender,
  closedLoop,
  longHistoryEnv,
  type OverheadScenario,
  prepareWorkload,
  sdkSender,
} from "./workload.ts";

export type { OverheadProfile };

const envFor = (s: OverheadScenario) => (s.history === "long" ? longHistoryEnv : {});

/** Runs with probes installed, separately from the timed runs so the probes never distort those. */
async function probeRun(url: string, scenario: OverheadScenario, messages: number): Promise<StageReport> {
  const samples = new StageSamples();
  const env = envFor(scenario);
  const plain = createBenchBot(url, env);
  const base = createMemoryStores(plain.config, systemClock);
  const stores = {
    ...base,
    history: timedStore(base.history, samples, STAGES.history, ["read", "append"]),
    settings: timedStore(base.settings, samples, STAGES.settings, ["get"]),
    usage: timedStore(base.usage, samples, STAGES.usage, ["add", "get", "rank"]),
    cache: base.cache ? new TimedAnswerCache(base.cache, samples) : undefined,
  };
  // The real client as createServices builds it, sharing the limiter, wrapped to time its wall time.
  const withClient = createBenchBot(url, env, { stores });
  const bot = createBenchBot(url, env, { stores, llm: new TimedLlmClient(withClient.llm, samples) });
  const workload = await prepareWorkload(scenario, messages, "probe", base.history);
  const restore = installPrototypeProbes(samples);
  let cpuMs = 0;
  let cpu: CpuShare[];
  try {
    cpu = await profileShares(async () => {
      cpuMs = (await closedLoop(scenario.threads, messages, botSender(bot, workload))).cpuMs;
    });
  } finally {
    restore();
  }
  const perMessageMs = new Map<string, number>();
  const p99PerCallMs = new Map<string, number>();
  const callsPerMessage = new Map<string, number>();
  for (const stage of samples.stages()) {
    const list = samples.samples(stage);
    perMessageMs.set(stage, sum(list) / messages);
    p99PerCallMs.set(stage, quantile(list, 0.99));
    callsPerMessage.set(stage, list.length / messages);
  }
  if (scenario.history === "short") {
    const keyMs = cacheKeyCostMs();
    perMessageMs.set(cacheKeyStage, keyMs);
    p99PerCallMs.set(cacheKeyStage, keyMs);
    callsPerMessage.set(cacheKeyStage, 1);
  }
  perMessageMs.set(totalStage, cpuMs / messages);
  return { perMessageMs, p99PerCallMs, callsPerMessage, cpu };
}

function cacheKeyCostMs(): number {
  const parts = {
    scope: "slack:T-bench",
    model: "bench-model",
    systemPrompt: DEFAULT_SYSTEM_PROMPT,
    temperature: undefined,
    topP: undefined,
    maxTokens: 1024,
  };
  const rounds = 20_000;
  const started = performance.now();
  for (let i = 0; i < rounds; i++)
    answerCacheKey({ ...parts, question: `Question ${i}: what is the overhead?` });
  return (performance.now() - started) / rounds;
}

export async function measureOverhead(
  profile: OverheadProfile,
  log: (line: string) => void,
): Promise<Section> {
  const fake = await startChildFake();
  const scenarios: OverheadScenario[] = [
    { threads: 1, history: "short" },
    { threads: 1, history: "long" },
    { threads: profile.manyThreads, history: "short" },
    { threads: profile.manyThreads, history: "long" },
  ];
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      const messages =
        scenario.threads === 1 ? profile.messagesPerRun.oneThread : profile.messagesPerRun.manyThreads;
      const total = profile.warmup + profile.repetitions * messages;
      const bot = createBenchBot(fake.url, envFor(scenario));
      const workload = await prepareWorkload(scenario, total, label(scenario), bot.stores.history);
      const sendBot = botSender(bot, workload);
      const sendSdk = sdkSender(fake.url, workload);
      const offset = (start: number, send: typeof sendBot) => (t: number, s: number) => send(t, start + s);
      await closedLoop(scenario.threads, profile.warmup, sendBot);
      await closedLoop(scenario.threads, profile.warmup, sendSdk);
      const result: ScenarioResult = { scenario, bot: [], sdk: [], messages, stages: undefined as never };
      for (let rep = 0; rep < profile.repetitions; rep++) {
        const start = profile.warmup + rep * messages;
        result.bot.push(await closedLoop(scenario.threads, messages, offset(start, sendBot)));
        result.sdk.push(await closedLoop(scenario.threads, messages, offset(start, sendSdk)));
      }
      result.stages = await probeRun(fake.url, scenario, messages);
      results.push(result);
      log(`  overhead: ${label(scenario)} done`);
    }
  } finally {
    await fake.stop();
  }
  return overheadSection(results, profile);
}
