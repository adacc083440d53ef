import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.ts";
import type { RedisStores } from "../../src/state/redis/create-stores.ts";
import { lastUserMessage, type RequestInfo } from "../fakes/openai-server.ts";
import { eventEnvelope, mentionEvent } from "../fakes/slack/signed-requests.ts";
import { connectStores, uniquePrefix } from "../redis/support.ts";
import { startBotProcess } from "../support/bot-process.ts";
import { LogCapture } from "../support/log-capture.ts";
import { freePort, type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { JumpingClock } from "../support/services.ts";
import { type ReliabilityBot, startReliabilityBot } from "./support/bot.ts";
import { CANARY, canaryLeaks } from "./support/canary.ts";
import { askDiscord, discordAnswer } from "./support/discord-user.ts";
import { sampleKey, snapshot } from "./support/metrics.ts";
import { askSlack, deliver, nextTs, slackAnswer, threadMessages } from "./support/slack-user.ts";

const conversation = (request: RequestInfo | undefined) =>
  (request?.body.messages ?? []).filter((m) => m.role !== "system").map((m) => m.content);

describe("Redis down at start", () => {
  let port = 0;
  let exitCode: number | string | null = null;
  let output = { stderr: "", logs: "" };

  beforeAll(async () => {
    port = await freePort(); // nothing listens there
    const bot = startBotProcess({
      env: {
        OPENAI_API_KEY: CANARY.openaiKey,
        DISCORD_TOKEN: CANARY.discordToken,
        REDIS_URL: `redis://:${CANARY.redisPassword}@127.0.0.1:${port}`,
      },
    });
    exitCode = await bot.exited();
    output = { stderr: bot.stderr(), logs: JSON.stringify(bot.logs) };
  }, 40_000);

  it("the bot exits at start with one line and no secret when Redis is unreachable", () => {
    // 69 = EX_UNAVAILABLE: a supervisor retries later instead of the bot crash-looping.
    expect(exitCode).toBe(69);
    expect(output.stderr).toContain(`Could not connect to Redis at redis://127.0.0.1:${port} (REDIS_URL)`);
    expect(output.stderr.trim().split("\n")).toHaveLength(1);
    expect(canaryLeaks("output", output.stderr + output.logs)).toEqual([]);
  });

  it("the start-up message says what is wrong once, not nested in itself", () => {
    expect(output.stderr.split("Could not connect to Redis")).toHaveLength(2);
  });
});

describe("Redis down mid-run, then back, through both adapters", () => {
  let server: RedisServer;
  let redis: RedisStores;
  let bot: ReliabilityBot;
  const redisLogs = new LogCapture();

  beforeAll(async () => {
    server = await startRedisServer();
    const clock = new JumpingClock();
    redis = await connectStores(server.url, clock, createLogger("debug", redisLogs), uniquePrefix("rel"));
    bot = await startReliabilityBot({
      stores: { ...redis.stores, cache: undefined },
      clock,
      redisReady: () => redis.isReady(),
    });
  });
  afterAll(async () => {
    await bot?.close();
    await redis?.close();
    await server?.close();
  });

  const redisUp = async () => (await snapshot(bot.metrics)).get(sampleKey("bot_redis_up"));
  const logged = (message: string) =>
    redisLogs.entries().filter((entry) => String(entry.msg).startsWith(message)).length;

  it("answers every message once while Redis is down and after it returns, keeping each thread's context", async () => {
    const { discord, slack, core } = bot;
    const first = askDiscord(discord, "Before the outage on Discord");
    const [discordReply] = await discordAnswer(discord, first);
    const thread = await askSlack(slack, "Before the outage on Slack");
    await slackAnswer(slack, thread);
    expect(await redisUp()).toBe(1);

    // A Redis with persistence: what it held before the outage is there when it returns.
    await redis.connection.client.sendCommand(["SAVE"]);
    const wentDown = new Promise<void>((resolve) => redis.connection.on("down", resolve));
    await server.stop();
    await wentDown;
    expect(await redisUp()).toBe(0);

    const during = askDiscord(discord, "During the outage on Discord", { replyTo: discordReply });
    expect((await discordAnswer(discord, during)).map((m) => m.content)).toEqual([
      "Echo: During the outage on Discord",
    ]);
    expect(conversation(core.fakeOpenAI.requests.at(-1))).toEqual([
      "Before the outage on Discord",
      "Echo: Before the outage on Discord",
      "During the outage on Discord",
    ]);
    await askSlack(slack, "During the outage on Slack", { threadTs: thread.threadTs });
    await slackAnswer(slack, thread, (messages) => messages[1]?.text === "Echo: During the outage on Slack");
    expect(conversation(core.fakeOpenAI.requests.at(-1))).toEqual([
      "Before the outage on Slack",
      "Echo: Before the outage on Slack",
      "During the outage on Slack",
    ]);

    const cameBack = new Promise<void>((resolve) => redis.connection.on("recovered", resolve));
    await server.restart(); // loads the saved data; what the outage wrote is replayed from this process
    await cameBack;
    expect(await redisUp()).toBe(1);
    await askSlack(slack, "After the outage on Slack", { threadTs: thread.threadTs });
    await slackAnswer(slack, thread, (messages) => messages[2]?.text === "Echo: After the outage on Slack");
    expect(conversation(core.fakeOpenAI.requests.at(-1))).toEqual([
      "Before the outage on Slack",
      "Echo: Before the outage on Slack",
      "During the outage on Slack",
      "Echo: During the outage on Slack",
      "After the outage on Slack",
    ]);
    expect(logged("Redis unreachable")).toBe(1);
    expect(logged("Redis reachable again")).toBe(1);
    expect(threadMessages(slack, thread)).toHaveLength(3);
    expect(bot.guard.problems).toEqual([]);
  });

  it("a Slack retry that arrives after Redis restarted without its latest keys is not answered a second time", async () => {
    const { slack, core } = bot;
    core.fakeOpenAI.reset();
    const ts = nextTs();
    const body = eventEnvelope(
      mentionEvent({ user: "U1", channel: "C9", ts, text: "<@UBOT> once across a restart" }),
    );
    await deliver(slack, body);
    await slackAnswer(slack, { channel: "C9", threadTs: ts });

    const wentDown = new Promise<void>((resolve) => redis.connection.on("down", resolve));
    const cameBack = new Promise<void>((resolve) => redis.connection.on("recovered", resolve));
    await server.restart(); // back from its last save: every key written since is gone, delivery ids too
    await wentDown;
    await cameBack;

    await deliver(slack, body, { retryNum: 1 });
    const sentinel = await askSlack(slack, "sentinel after the restart", { channel: "C9" });
    await slackAnswer(slack, sentinel);
    expect(core.fakeOpenAI.requests.map((request) => lastUserMessage(request))).toEqual([
      "once across a restart",
      "sentinel after the restart",
    ]);
  });

  it("leaks no secret into logs, prompts or messages", () => {
    expect([...bot.leaks(), ...canaryLeaks("Redis logs", redisLogs.text())]).toEqual([]);
  });
});
