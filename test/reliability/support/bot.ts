import { createDiscordAdapter, type DiscordAdapter } from "../../../adapters/discord/index.ts";
import {
  createSlackAdapter,
  type SlackAdapter,
  type SlackAdapterOptions,
} from "../../../adapters/slack/index.ts";
import type { AdapterServices } from "../../../src/adapter.ts";
import { type BotMetrics, createMetrics } from "../../../src/monitoring/metrics.ts";
import type { StateStores } from "../../../src/services.ts";
import { FakeDiscord } from "../../fakes/discord/server.ts";
import { type FakeSlack, startFakeSlack } from "../../fakes/slack/web-api.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { createTestServices, type JumpingClock, type TestServices } from "../../support/services.ts";
import { CANARY, canaryLeaks, INTERACTION_TOKEN_PREFIX } from "./canary.ts";
import { ProcessGuard } from "./process-guard.ts";
import { RecordingProxy } from "./recording-proxy.ts";

export interface BotOptions {
  /** Variables over the suite's defaults. */
  env?: Record<string, string>;
  /** Slack over signed HTTP requests (default) or Socket Mode. */
  slackMode?: "http" | "socket";
  slackOptions?: Partial<SlackAdapterOptions>;
  /** Shared-state stores (Redis) instead of the in-memory ones. */
  stores?: Partial<StateStores>;
  clock?: JumpingClock;
  redisReady?: () => boolean;
  /** Routes the bot's traffic to every fake through a RecordingProxy (canary scans, dropped links). */
  proxied?: boolean;
}

export interface DiscordSide {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
}

export interface SlackSide {
  fake: FakeSlack;
  adapter: SlackAdapter;
  /** Drives the streaming throttle: it stands still, so an answer is one placeholder and one final update. */
  clock: ManualClock;
  /** POST target of signed events and commands (HTTP mode). */
  eventsUrl: string;
}

export interface Proxies {
  openai: RecordingProxy;
  discord: RecordingProxy;
  slack: RecordingProxy;
}

export interface ReliabilityBot {
  core: TestServices;
  metrics: BotMetrics;
  guard: ProcessGuard;
  discord: DiscordSide;
  slack: SlackSide;
  /** Set when started with `proxied`. */
  proxies: Proxies | undefined;
  /** Every secret found in the logs and in what the bot sent the fakes (their own recordings). */
  leaks(): string[];
  close(): Promise<void>;
}

/**
 * Defaults of the suite: canary secrets, no answer cache, one final edit per answer. The LLM timeout is
 * generous so that a busy machine never trips it; the tests about timeouts set their own.
 */
function suiteEnv(slackMode: "http" | "socket"): Record<string, string> {
  return {
    OPENAI_API_KEY: CANARY.openaiKey,
    SLACK_BOT_TOKEN: CANARY.slackBotToken,
    ...(slackMode === "http"
      ? { SLACK_SIGNING_SECRET: CANARY.slackSigningSecret }
      : { SLACK_APP_TOKEN: CANARY.slackAppToken, SLACK_SIGNING_SECRET: "" }),
    PORT: "0",
    LOG_LEVEL: "debug",
    CACHE_TTL_SECONDS: "0",
    DISCORD_EDIT_INTERVAL_MS: "3600000",
    LLM_TIMEOUT_MS: "5000",
    LLM_MAX_ATTEMPTS: "3",
  };
}

/**
 * One bot as `npm start` wires it: the real engine and LLM client with metrics, the real Discord and
 * Slack adapters on the same engine, each against its fake platform, the model behind the fake OpenAI
 * server. Unhandled rejections are recorded from the start.
 */
export async function startReliabilityBot(options: BotOptions = {}): Promise<ReliabilityBot> {
  const guard = new ProcessGuard().install();
  const slackMode = options.slackMode ?? "http";
  const proxies: Proxies | undefined = options.proxied
    ? {
        openai: await RecordingProxy.start(),
        discord: await RecordingProxy.start(),
        slack: await RecordingProxy.start(),
      }
    : undefined;

  const discordFake = await FakeDiscord.start();
  const slackFake = await startFakeSlack();
  if (proxies) {
    proxies.discord.upstream = new URL(discordFake.apiUrl);
    proxies.slack.upstream = new URL(slackFake.apiUrl);
    discordFake.state.gatewayUrl = `${proxies.discord.origin.replace(/^http/, "ws")}/gateway`;
  }
  const metrics = createMetrics({ processMetrics: false });
  const core = await createTestServices(
    {
      ...suiteEnv(slackMode),
      DISCORD_TOKEN: discordFake.token,
      DISCORD_API_URL: proxies ? `${proxies.discord.origin}/api` : discordFake.apiUrl,
      SLACK_API_URL: proxies ? `${proxies.slack.origin}/api/` : slackFake.apiUrl,
      ...(proxies ? { OPENAI_BASE_URL: `${proxies.openai.origin}/v1` } : {}),
      ...options.env,
    },
    {
      observer: metrics.engineObserver,
      onAttempt: metrics.recordAttempt,
      ...(options.stores ? { stores: options.stores } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    },
  );
  if (proxies) proxies.openai.upstream = new URL(core.fakeOpenAI.url);
  metrics.watch({
    limiter: core.services.stores.limiter,
    cache: core.services.stores.cache,
    ...(options.redisReady ? { redisReady: options.redisReady } : {}),
  });
  const services: AdapterServices = {
    ...core.services,
    engine: metrics.instrument(core.services.engine),
    metrics,
  };

  const clock = new ManualClock();
  const discordAdapter = createDiscordAdapter(services);
  const slackAdapter = createSlackAdapter(services, {
    host: "127.0.0.1",
    clock,
    retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 },
    ...options.slackOptions,
  });
  const close = async () => {
    // Keep-alive connections of the test's own requests would hold Bolt's server open for seconds.
    slackAdapter.httpServer?.closeAllConnections();
    await Promise.allSettled([discordAdapter.stop(), slackAdapter.stop()]);
    await core.close();
    await discordFake.close();
    await slackFake.close();
    if (proxies) await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
    guard.uninstall();
  };
  try {
    await Promise.all([discordAdapter.start(), slackAdapter.start()]);
  } catch (error) {
    await close();
    throw error;
  }
  const address = slackAdapter.httpServer?.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    core,
    metrics,
    guard,
    discord: { fake: discordFake, adapter: discordAdapter },
    slack: {
      fake: slackFake,
      adapter: slackAdapter,
      clock,
      eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    },
    proxies,
    leaks: () => recordedLeaks(core, discordFake, slackFake),
    close,
  };
}

/**
 * Secrets in the logs, the prompts the model received, and the messages posted to both platforms.
 * Tokens in Authorization headers are expected (the fakes check them) and are not recorded by the fakes.
 */
function recordedLeaks(core: TestServices, discord: FakeDiscord, slack: FakeSlack): string[] {
  const logs = core.logs.text();
  const leaks = canaryLeaks("logs", logs);
  if (logs.includes(INTERACTION_TOKEN_PREFIX)) leaks.push("logs: a Discord interaction token");
  leaks.push(...canaryLeaks("model requests", JSON.stringify(core.fakeOpenAI.requests.map((r) => r.body))));
  leaks.push(...canaryLeaks("Discord calls", JSON.stringify(discord.calls)));
  const discordMessages = [...discord.state.messages.values()].map((stored) => stored.history.join("\n"));
  leaks.push(...canaryLeaks("Discord messages", discordMessages.join("\n")));
  leaks.push(...canaryLeaks("Slack calls", JSON.stringify(slack.calls)));
  leaks.push(...canaryLeaks("Slack responses", JSON.stringify(slack.responses)));
  leaks.push(...canaryLeaks("Socket Mode acks", JSON.stringify(slack.socketMode.acks)));
  return leaks;
}
