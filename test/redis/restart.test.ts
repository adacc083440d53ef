import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";
import { conversationKey } from "../../src/conversation/turn.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { createRedisStores } from "../../src/state/redis/create-stores.ts";
import { RedisStartupError } from "../../src/state/redis/errors.ts";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { freePort, type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { createTestServices, JumpingClock, TEST_OPENAI_KEY } from "../support/services.ts";
import { answerText, connectStores, turn, uniquePrefix } from "./support.ts";

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.close();
});

describe("a bot restart", () => {
  it("keeps the thread's history: the next answer after the restart is sent the earlier exchange", async () => {
    const prefix = uniquePrefix("restart");
    const clock = new JumpingClock();

    const firstRedis = await connectStores(server.url, clock, silentLogger, prefix);
    const first = await createTestServices({}, { clock, stores: firstRedis.stores });
    expect(await answerText(first.services.engine, turn("what is Redis?"))).toBe("Echo: what is Redis?");
    await firstRedis.close();
    await first.close();

    const secondRedis = await connectStores(server.url, clock, silentLogger, prefix);
    const second = await createTestServices({}, { clock, stores: secondRedis.stores });
    try {
      expect(await answerText(second.services.engine, turn("and why?"))).toBe("Echo: and why?");
      const sent = second.fakeOpenAI.requests[0];
      if (!sent) throw new Error("no upstream request");
      expect(lastUserMessage(sent)).toBe("and why?");
      expect(sent.body.messages.map((m) => [m.role, m.content]).slice(1)).toEqual([
        ["user", "what is Redis?"],
        ["assistant", "Echo: what is Redis?"],
        ["user", "and why?"],
      ]);
      const usage = await secondRedis.stores.usage.get(`conv:${conversationKey(turn(""))}`);
      expect(usage.requests).toBe(2);
    } finally {
      await secondRedis.close();
      await second.close();
    }
  });
});

describe("Redis unreachable at start", () => {
  it("rejects with a clear RedisStartupError that names the address but never the password", async () => {
    const port = await freePort();
    const config = parseConfig({ OPENAI_API_KEY: TEST_OPENAI_KEY });
    const attempt = createRedisStores(
      `redis://bot:hunter2@127.0.0.1:${port}/0`,
      config,
      new JumpingClock(),
      silentLogger,
      {
        connection: { startAttempts: 2, connectTimeoutMs: 500 },
      },
    );
    const error = await attempt.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(RedisStartupError);
    const message = (error as Error).message;
    expect(message).toContain(`Could not connect to Redis at redis://127.0.0.1:${port}/0 (REDIS_URL)`);
    expect(message).toContain("unset REDIS_URL");
    expect(message).not.toContain("hunter2");
  });
});
