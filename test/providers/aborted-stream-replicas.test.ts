import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineResult } from "../../src/engine/events.ts";
import { type Clock, systemClock } from "../../src/llm/clock.ts";
import { createLogger } from "../../src/observability/logger.ts";
import type { RedisStores } from "../../src/state/redis/create-stores.ts";
import { collect } from "../integration/engine-support.ts";
import { connectStores, turn, uniquePrefix } from "../redis/support.ts";
import { LogCapture } from "../support/log-capture.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { createTestServices, JumpingClock, type TestServices } from "../support/services.ts";

// Two bot processes sharing one Redis: the answer cache is on, as in production.
let server: RedisServer;
const opened: { redis: RedisStores; bot: TestServices }[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  for (const { redis, bot } of opened) {
    await redis.close();
    await bot.close();
  }
  await server?.close();
});

async function replica(prefix: string, clock: Clock = new JumpingClock()) {
  const redis = await connectStores(server.url, clock, createLogger("info", new LogCapture()), prefix);
  const bot = await createTestServices({ CACHE_TTL_SECONDS: "3600" }, { clock, stores: redis.stores });
  opened.push({ redis, bot });
  return bot;
}

/** Asks on `bot`, aborting the turn (a refused post, a shutdown) once the first delta arrived. */
async function askAndAbort(bot: TestServices, text: string, threadId: string): Promise<EngineResult> {
  const controller = new AbortController();
  let result: EngineResult | undefined;
  for await (const event of bot.services.engine.ask(turn(text, { threadId }), {
    signal: controller.signal,
  })) {
    if (event.type === "delta") controller.abort();
    else result = event.result;
  }
  if (!result) throw new Error("no final result");
  return result;
}

describe("a cut-short answer is never served by another replica", () => {
  it("an answer aborted on replica A is not in the shared cache for replica B", async () => {
    const prefix = uniquePrefix("aborted");
    const a = await replica(prefix);
    const b = await replica(prefix);
    a.fakeOpenAI.setResponder(() => ({ kind: "stall-mid-stream", before: "Only the beginning" }));
    b.fakeOpenAI.setResponder(() => ({ kind: "text", text: "The complete answer." }));

    const cut = await askAndAbort(a, "What is new?", "1700000000.000100");
    expect(cut.finishReason).toBe("interrupted");

    const served = await collect(
      b.services.engine.ask(turn("What is new?", { threadId: "1700000000.000200", userId: "U2" })),
    );
    expect(served.result.text).toBe("The complete answer.");
    expect(served.result.cached).toBe(false);
    expect(b.fakeOpenAI.requests).toHaveLength(1);
  });

  it("replica B waiting on A's computation computes itself when A's is aborted", async () => {
    const prefix = uniquePrefix("aborted-wait");
    const a = await replica(prefix);
    // B waits for A in real time (its polls must not jump past A's work).
    const b = await replica(prefix, systemClock);
    let reached: (() => void) | undefined;
    const aReachedUpstream = new Promise<void>((resolve) => {
      reached = resolve;
    });
    a.fakeOpenAI.setResponder(() => {
      reached?.();
      return { kind: "stall-mid-stream", before: "Half of it" };
    });
    b.fakeOpenAI.setResponder(() => ({ kind: "text", text: "All of it." }));

    const controller = new AbortController();
    const first = collect(
      a.services.engine.ask(turn("Shared?", { threadId: "1700000000.000300" }), {
        signal: controller.signal,
      }),
    );
    await aReachedUpstream;
    const cache = b.services.stores.cache;
    if (!cache) throw new Error("cache on");
    const resolve = cache.resolve.bind(cache);
    cache.resolve = (key, compute) => {
      const resolution = resolve(key, compute);
      controller.abort();
      return resolution;
    };
    const second = await collect(
      b.services.engine.ask(turn("Shared?", { threadId: "1700000000.000400", userId: "U2" })),
    );
    await first;
    expect(second.result.text).toBe("All of it.");
    expect(b.fakeOpenAI.requests).toHaveLength(1);
  });
});
