import { parseConfig } from "../../src/config/config.ts";
import { systemClock } from "../../src/llm/clock.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { createRedisStores } from "../../src/state/redis/create-stores.ts";
import { BENCH_API_KEY } from "../support/bot.ts";
import { serveParent } from "../support/child-messages.ts";
import { type ClientSpec, type PreparedBurst, prepareClient } from "./clients.ts";

/**
 * Child-process entry: one goodput client on its own event loop, so clients measured side by side
 * never wait on each other's work. It lives for all repetitions; per repetition the parent sends
 * {setup} (a fresh client: new limiter, new Redis keys) -> {ready}, then {go} -> {done}.
 */
export interface ProcessSetup {
  spec: ClientSpec;
  baseUrl: string;
  /** An unlimited fake for one warm-up question (JIT, first connection), sent by the first setup only. */
  warmupUrl: string;
  questions: string[];
  /** Bot replicas sharing a limiter: Redis-backed stores under this prefix. */
  redis?: { url: string; keyPrefix: string };
}

type ParentMessage = { type: "setup"; setup: ProcessSetup } | { type: "go" };

let burst: PreparedBurst | undefined;
let questions: string[] = [];
let warmedUp = false;
let closeRedis: () => Promise<void> = async () => {};

serveParent<ParentMessage>(handle, () => closeRedis());

async function handle(message: ParentMessage): Promise<void> {
  if (message.type === "setup") {
    const { setup } = message;
    questions = setup.questions;
    if (!warmedUp) {
      await prepareClient(setup.spec, setup.warmupUrl)(["warm-up question"]);
      warmedUp = true;
    }
    await closeRedis();
    closeRedis = async () => {};
    let stores: Awaited<ReturnType<typeof createRedisStores>>["stores"] | undefined;
    if (setup.redis) {
      const config = parseConfig({
        OPENAI_API_KEY: BENCH_API_KEY,
        CACHE_TTL_SECONDS: "0",
        ...setup.spec.env,
      });
      const redis = await createRedisStores(setup.redis.url, config, systemClock, silentLogger, {
        keyPrefix: setup.redis.keyPrefix,
      });
      stores = redis.stores;
      closeRedis = () => redis.close();
    }
    burst = prepareClient(setup.spec, setup.baseUrl, stores ? { stores } : {});
    process.send?.({ type: "ready" });
    return;
  }
  if (!burst) throw new Error("go before setup");
  const counts = await burst(questions);
  burst = undefined;
  process.send?.({ type: "done", ...counts });
}
