import { afterAll, beforeAll } from "vitest";
import { type FakeOpenAI, type RequestInfo, startFakeOpenAI } from "../fakes/openai-server.ts";
import { eventEnvelope, mentionEvent, postEvent } from "../fakes/slack/signed-requests.ts";
import { type FakeSlack, startFakeSlack } from "../fakes/slack/web-api.ts";
import { type BotProcess, startBotProcess } from "../support/bot-process.ts";
import { freePort, type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { TEST_OPENAI_KEY } from "../support/services.ts";

// End-to-end helpers: real bot processes (`node --import tsx app/main.ts`) against the fakes.

export const SLACK_BOT_TOKEN = "xoxb-e2e-CANARY-bot-token";
export const SLACK_SIGNING_SECRET = "e2e-CANARY-signing-secret";

/**
 * Process start-up (tsx, discord.js, Bolt) takes seconds, many more on a busy machine: tests wait on
 * log lines up to this. A timeout is only a ceiling; no test waits for it to pass.
 */
export const STARTUP_MS = 60_000;
export const E2E_TIMEOUT_MS = 180_000;

export const logged =
  (msg: string) =>
  (entry: Record<string, unknown>): boolean =>
    entry.msg === msg;

/** A bot process with the port it serves on. */
export interface RunningBot extends BotProcess {
  readonly port: number;
  readonly base: string;
}

/** Keeps every process a test file started, so afterAll can stop whatever is still running. */
export class BotFleet {
  private readonly bots: BotProcess[] = [];

  /** Starts `entry` (app/main.ts by default) with `env` on a free PORT, without waiting for it. */
  async launch(env: Record<string, string>, entry?: string): Promise<RunningBot> {
    const port = await freePort();
    const bot = startBotProcess({ env: { ...env, PORT: String(port) }, ...(entry ? { entry } : {}) });
    this.bots.push(bot);
    return Object.assign(bot, { port, base: `http://127.0.0.1:${port}` });
  }

  /** `launch`, then waits for `readyLog` ("bot started" by default). */
  async start(
    env: Record<string, string>,
    options: { entry?: string; readyLog?: string } = {},
  ): Promise<RunningBot> {
    const bot = await this.launch(env, options.entry);
    await bot.waitForLog(logged(options.readyLog ?? "bot started"), STARTUP_MS);
    return bot;
  }

  /** SIGKILL for anything a failed test left running; a passing test stops its bots itself. */
  async killAll(): Promise<void> {
    await Promise.all(
      this.bots.map((bot) =>
        bot.child.exitCode === null && bot.child.signalCode === null ? bot.stop("SIGKILL") : undefined,
      ),
    );
  }
}

/** What one e2e file shares: its bot processes, a redis-server, a fake OpenAI and (if asked) a fake Slack. */
export interface E2EFakes {
  readonly fleet: BotFleet;
  readonly redis: RedisServer;
  readonly openai: FakeOpenAI;
  /** Only with `shareE2EFakes({ slack: true })`. */
  readonly slack: FakeSlack;
}

/**
 * Starts the shared fakes before the file's tests; after them, SIGKILLs any bot still running and
 * closes the fakes. Read the fakes inside tests and hooks: they exist once beforeAll has run.
 */
export function shareE2EFakes(options: { slack?: boolean } = {}): E2EFakes {
  const fleet = new BotFleet();
  let redis: RedisServer | undefined;
  let openai: FakeOpenAI | undefined;
  let slack: FakeSlack | undefined;
  beforeAll(async () => {
    [redis, openai, slack] = await Promise.all([
      startRedisServer(),
      startFakeOpenAI(),
      options.slack ? startFakeSlack() : undefined,
    ]);
  });
  afterAll(async () => {
    await fleet.killAll();
    await Promise.all([redis?.close(), slack?.close(), openai?.close()]);
  });
  const started = <T>(fake: T | undefined, name: string): T => {
    if (fake === undefined) throw new Error(`${name} is not running: read it inside a test or hook`);
    return fake;
  };
  return {
    fleet,
    get redis() {
      return started(redis, "redis-server");
    },
    get openai() {
      return started(openai, "the fake OpenAI");
    },
    get slack() {
      return started(slack, "the fake Slack");
    },
  };
}

/** The environment of a Slack bot in HTTP mode on the fakes, sharing Redis when `redisUrl` is given. */
export function slackEnv(slack: FakeSlack, openai: FakeOpenAI, redisUrl?: string): Record<string, string> {
  return {
    OPENAI_API_KEY: TEST_OPENAI_KEY,
    OPENAI_BASE_URL: openai.url,
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_UPDATE_INTERVAL_MS: "250",
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
}

/** Delivers a signed app_mention to one process, as Slack (or a load balancer) would. */
export async function deliverMention(
  bot: RunningBot,
  fields: { ts: string; threadTs?: string; text: string; eventId: string; channel?: string },
): Promise<void> {
  const event = mentionEvent({
    user: "U1",
    channel: fields.channel ?? "C1",
    ts: fields.ts,
    text: `<@UBOT> ${fields.text}`,
    ...(fields.threadTs ? { threadTs: fields.threadTs } : {}),
  });
  const response = await postEvent(
    `${bot.base}/slack/events`,
    SLACK_SIGNING_SECRET,
    eventEnvelope(event, { eventId: fields.eventId }),
  );
  if (response.status !== 200) throw new Error(`/slack/events answered ${response.status}`);
}

/** Waits until a thread holds a message whose (final) text is `text`. */
export function answerLands(slack: FakeSlack, threadTs: string, text: string, channel = "C1"): Promise<void> {
  return slack.waitFor(
    () => slack.messagesIn(channel, threadTs).some((message) => message.text === text),
    `"${text}" in thread ${threadTs}`,
    STARTUP_MS,
  );
}

/** The conversation sent upstream, system prompt left out: `role: content` lines. */
export function conversationSent(request: RequestInfo | undefined): string[] {
  if (!request) throw new Error("no upstream request");
  return request.body.messages.filter((m) => m.role !== "system").map((m) => `${m.role}: ${m.content}`);
}

/** The value of one Prometheus sample line, e.g. `bot_redis_up` or `name{label="x"}`. */
export function sample(body: string, series: string): number | undefined {
  const line = body.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Resolves with the first of `bots` that has logged a matching line, checked on every line. */
export function firstToLog<Bot extends BotProcess>(
  bots: readonly Bot[],
  match: (entry: Record<string, unknown>) => boolean,
  timeoutMs = STARTUP_MS,
): Promise<Bot> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = bots.find((bot) => bot.logs.some(match));
      if (!found) return;
      cleanup();
      resolve(found);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no process logged the expected line within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      for (const bot of bots) bot.child.stdout?.off("data", check);
    };
    // Registered after BotProcess's own listener, so `logs` already holds the new lines.
    for (const bot of bots) bot.child.stdout?.on("data", check);
    check();
  });
}

/** Lines of one process at `level` or above (pino: 40 warn, 50 error, 60 fatal). */
export const linesAtLeast = (bot: BotProcess, level: number) =>
  bot.logs.filter((entry) => typeof entry.level === "number" && entry.level >= level);
