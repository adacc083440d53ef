import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/llm/clock.ts";
import { MemoryRateLimiter } from "../../src/llm/memory-rate-limiter.ts";
import type { AcquireOptions, RateLimiter } from "../../src/llm/rate-limiter.ts";
import { createTestServices, type TestServices } from "../support/services.ts";
import { collect, turn } from "./engine-support.ts";

let core: TestServices | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

describe("fair queuing: the engine says whose question each upstream request serves", () => {
  it("passes the turn's workspace (with its platform) and user to the limiter", async () => {
    const inner = new MemoryRateLimiter({ clock: systemClock, maxConcurrency: 8 });
    const asked: (AcquireOptions | undefined)[] = [];
    const limiter: RateLimiter = {
      acquire: (tokens, options) => {
        asked.push(options);
        return inner.acquire(tokens, options);
      },
      coolDown: (until) => inner.coolDown(until),
      observe: (snapshot, permit) => inner.observe(snapshot, permit),
      stats: () => inner.stats(),
    };
    core = await createTestServices({ CACHE_TTL_SECONDS: "0" }, { stores: { limiter } });
    await collect(
      core.services.engine.ask(turn("hello", { platform: "slack", workspaceId: "T1", userId: "U7" })),
    );
    await collect(
      core.services.engine.ask(turn("hi", { platform: "discord", workspaceId: "G2", userId: "U8" })),
    );
    expect(asked.map((options) => options?.fairness)).toEqual([
      { workspaceId: "slack:T1", userId: "U7" },
      { workspaceId: "discord:G2", userId: "U8" },
    ]);
  });
});
