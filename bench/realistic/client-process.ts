import { parseConfig } from "../../src/config/config.ts";
import { systemClock } from "../../src/llm/clock.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { createRedisStores } from "../../src/state/redis/create-stores.ts";
import { BENCH_API_KEY } from "../support/bot.ts";
import { serveParent } from "../support/child-messages.ts";
import {
  botAsker,
  oracleAsker,
  type QuestionRecord,
  type RealisticRun,
  runQuestions,
  sdkAsker,
  tutorialAsker,
} from "./clients.ts";

/**
 * Child-process entry: one client of the realistic benchmark on its own event loop. Per scenario the
 * parent sends {setup} (a fresh client: new limiter, new Redis keys) -> {ready}, then {go} -> {done}.
 */
export interface RealisticSetup {
  run: RealisticRun;
  /** An unlimited provider for one warm-up question (JIT, first connection) before the clock starts. */
  warmupUrl: string;
  /** Bot replicas sharing a limiter: Redis-backed stores under this prefix. */
  redis?: { url: string; keyPrefix: string };
}

export type RealisticMessage = { type: "setup"; setup: RealisticSetup } | { type: "go"; startEpoch: number };

type Asker = Parameters<typeof runQuestions>[1];

let prepared: { run: RealisticRun; ask?: Asker } | undefined;
let closeRedis: () => Promise<void> = async () => {};

serveParent<RealisticMessage>(handle, () => closeRedis());

async function handle(message: RealisticMessage): Promise<void> {
  if (message.type === "setup") {
    const { run } = message.setup;
    await closeRedis();
    closeRedis = async () => {};
    let stores: Awaited<ReturnType<typeof createRedisStores>>["stores"] | undefined;
    if (message.setup.redis) {
      const config = parseConfig({ OPENAI_API_KEY: BENCH_API_KEY, CACHE_TTL_SECONDS: "0", ...run.env });
      const redis = await createRedisStores(message.setup.redis.url, config, systemClock, silentLogger, {
        keyPrefix: message.setup.redis.keyPrefix,
      });
      stores = redis.stores;
      closeRedis = () => redis.close();
    }
    // The warm-up never touches the shared Redis keys: its unlimited provider would teach them wrong limits.
    const unlimited = { ...run.limits, requests: 1e9, tokens: 1e12, startFull: 1 };
    const warm: RealisticRun = { ...run, baseUrl: message.setup.warmupUrl, limits: unlimited };
    const warmQuestion = { ...(run.questions[0] ?? defaultQuestion), atSeconds: 0 };
    const warmAsk = askerFor(warm, performance.now(), {});
    if (warmAsk) await warmAsk(warmQuestion, performance.now());
    prepared = { run, ...(run.kind === "oracle" ? {} : { ask: askerFor(run, 0, stores ? { stores } : {}) }) };
    process.send?.({ type: "ready" });
    return;
  }
  if (!prepared) throw new Error("go before setup");
  const startAt = message.startEpoch - performance.timeOrigin;
  const { run } = prepared;
  const ask = prepared.ask ?? askerFor(run, startAt, {});
  prepared = undefined;
  const records: QuestionRecord[] = ask ? await runQuestions(run, ask, startAt) : [];
  process.send?.({ type: "done", records });
}

const defaultQuestion = {
  index: 0,
  atSeconds: 0,
  workspaceId: "T0",
  userId: "U0",
  text: "warm-up",
  burst: false,
};

function askerFor(
  run: RealisticRun,
  startAt: number,
  overrides: Parameters<typeof botAsker>[1],
): Asker | undefined {
  switch (run.kind) {
    case "bot":
      return botAsker(run, overrides);
    case "sdk":
      return sdkAsker(run);
    case "tutorial":
      return tutorialAsker(run);
    case "oracle":
      return oracleAsker(run, startAt);
  }
}
