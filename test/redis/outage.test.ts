import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversationKey } from "../../src/conversation/turn.ts";
import { createLogger } from "../../src/observability/logger.ts";
import type { RedisStores } from "../../src/state/redis/create-stores.ts";
import { redisKeys } from "../../src/state/redis/keys.ts";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { LogCapture } from "../support/log-capture.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { createTestServices, JumpingClock, type TestServices } from "../support/services.ts";
import { answerText, connectStores, turn, uniquePrefix } from "./support.ts";

let server: RedisServer;
let redis: RedisStores;
let bot: TestServices;
const logs = new LogCapture();
const prefix = uniquePrefix("outage");

beforeAll(async () => {
  server = await startRedisServer();
  const clock = new JumpingClock();
  redis = await connectStores(server.url, clock, createLogger("info", logs), prefix);
  bot = await createTestServices({}, { clock, stores: redis.stores });
});

afterAll(async () => {
  await redis?.close();
  await bot?.close();
  await server?.close();
});

const logged = (message: string) =>
  logs.entries().filter((entry) => String(entry.msg).startsWith(message)).length;
const historySent = (index: number) =>
  (bot.fakeOpenAI.requests[index]?.body.messages ?? [])
    .filter((m) => m.role !== "system")
    .map((m) => m.content);

describe("Redis stopped mid-run, then restarted", () => {
  it("keeps answering from memory, logs the outage once, and writes back what happened once Redis returns", async () => {
    const { engine, dedupe } = bot.services;
    const thread = turn("first question");
    expect(await answerText(engine, thread)).toBe("Echo: first question");
    expect(redis.isReady()).toBe(true);

    const wentDown = new Promise<void>((resolve) => redis.connection.on("down", resolve));
    await server.stop();
    await wentDown;
    expect(redis.isReady()).toBe(false);

    // The thread keeps its context from this process's copy; dedupe and the limiter work locally.
    expect(await answerText(engine, { ...thread, text: "second question" })).toBe("Echo: second question");
    expect(historySent(1)).toEqual(["first question", "Echo: first question", "second question"]);
    expect(await dedupe.firstSeen("slack:Ev1")).toBe(true);
    expect(await dedupe.firstSeen("slack:Ev1")).toBe(false);
    expect(await answerText(engine, turn("another thread", { threadId: "t2" }))).toBe("Echo: another thread");
    expect(logged("Redis unreachable")).toBe(1);

    const cameBack = new Promise<void>((resolve) => redis.connection.on("recovered", resolve));
    await server.restart(); // a fresh, empty Redis: nothing persisted across its restart
    await cameBack;
    expect(redis.isReady()).toBe(true);
    expect(logged("Redis reachable again")).toBe(1);

    // What was written during the outage reaches Redis: the thread's new pair and the usage counts.
    const keys = redisKeys(prefix);
    const stored = await redis.connection.client.lRange(keys.history(conversationKey(thread)), 0, -1);
    expect(stored.map((raw) => (JSON.parse(raw) as { user: string }).user)).toEqual(["second question"]);
    const usage = await redis.connection.client.hGetAll(keys.usage(`conv:${conversationKey(thread)}`));
    expect(usage.requests).toBe("1");

    expect(await answerText(engine, { ...thread, text: "third question" })).toBe("Echo: third question");
    const third = bot.fakeOpenAI.requests[3];
    if (!third) throw new Error("no upstream request");
    expect(lastUserMessage(third)).toBe("third question");
    expect(historySent(3)).toEqual(["second question", "Echo: second question", "third question"]);
    expect(logged("Redis unreachable")).toBe(1);
  });
});
