import type { Server } from "node:http";
import type { App, CustomRoute, webApi } from "@slack/bolt";
import { webApi as slackWebApi } from "@slack/bolt";
import type {
  Adapter,
  AdapterServices,
  Config,
  PlatformAdapter,
  RotatableSecret,
  TimerClock,
} from "../../src/index.ts";
import { healthRoutes, InFlightWork } from "../../src/index.ts";
import type { SlackReplySettings } from "./answer.ts";
import { createBoltApp, type SlackMode } from "./app.ts";
import { registerCommands } from "./commands.ts";
import type { SlackHandlerContext } from "./context.ts";
import {
  errorSummary,
  SlackAuthError,
  SlackConfigError,
  SlackStartError,
  slackErrorCode,
  tokenErrorCodes,
} from "./errors.ts";
import { registerEventHandlers } from "./events.ts";
import { WebClientMessenger } from "./messenger.ts";
import { NativeStreamingSupport } from "./native-stream.ts";
import { postNoticeToChannels, slackNoticeChannels } from "./notices.ts";
import { RejectionLog } from "./rejection-log.ts";
import { limitServer, serverOptions } from "./request-guard.ts";
import { AnsweredThreads, BotDirectMessages } from "./thread-memory.ts";
import { SlackUserDirectory } from "./user-directory.ts";
import { SwappableWebClient, slackClientOptions, verifyAppToken, verifyBotToken } from "./web-client.ts";

export { EVENTS_PATH } from "./app.ts";
export { SlackAdapterError, SlackAuthError, SlackConfigError, SlackStartError } from "./errors.ts";

/** Slack runs when there is a bot token and a way to receive events: a signing secret or an app token. */
export function isSlackConfigured(config: Config): boolean {
  return Boolean(config.SLACK_BOT_TOKEN && (config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN));
}

export const slackPlatform: PlatformAdapter = {
  name: "Slack",
  credentials: "SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
  isConfigured: isSlackConfigured,
  create: (services) => createSlackAdapter(services),
};

export interface SlackAdapterOptions {
  /** Overrides config.PORT; 0 picks a free port (tests). */
  port?: number;
  /** Interface to listen on in HTTP mode; all interfaces when unset. */
  host?: string;
  /** Extra routes on the events server (health checks), in both modes. */
  customRoutes?: CustomRoute[];
  /** Overrides config.SLACK_UPDATE_INTERVAL_MS. */
  updateIntervalMs?: number;
  partLimit?: number;
  clock?: TimerClock;
  /** How long an answer may take before the placeholder shows; 0 shows it at once. */
  placeholderDelayMs?: number;
  retryConfig?: webApi.RetryOptions;
  requestTimeoutMs?: number;
  /** How long `stop` lets answers in progress finish; SHUTDOWN_TIMEOUT_MS by default. */
  drainTimeoutMs?: number;
}

export interface SlackAdapter extends Adapter {
  readonly mode: SlackMode;
  /** The server of /slack/events once started in HTTP mode. */
  readonly httpServer: Server | undefined;
  /** The bot's user id, known after start(). */
  readonly botUserId: string | undefined;
  /** Resolves once no event or command is being handled (every answer written), e.g. in tests. */
  idle(): Promise<void>;
}

export function createSlackAdapter(
  services: AdapterServices,
  options: SlackAdapterOptions = {},
): SlackAdapter {
  const { config, logger } = services;
  const mode: SlackMode = config.SLACK_APP_TOKEN ? "socket" : "http";
  let work = new InFlightWork();
  let app: App | undefined;
  let starting = false;
  let httpServer: Server | undefined;
  let botUserId: string | undefined;
  let noticeMessenger: WebClientMessenger | undefined;
  let webClient: SwappableWebClient | undefined;
  let clientOptions: webApi.WebClientOptions | undefined;

  const runDetached = (name: string, task: () => Promise<void>) =>
    work.run(task, (error) => logger.error({ error: errorSummary(error) }, `${name} failed`));

  return {
    name: "slack",
    mode,
    servesHttp: mode === "http",
    isReady: () => app !== undefined,
    async postNotice(notice) {
      const channels = slackNoticeChannels(config.ADMIN_CHANNEL_ID);
      if (noticeMessenger && channels.length > 0) {
        await postNoticeToChannels(noticeMessenger, channels, notice, logger);
      }
    },
    rotatableSecrets(): RotatableSecret[] {
      return [botTokenRotation()];
    },
    idle: () => work.idle(),
    get httpServer() {
      return httpServer;
    },
    get botUserId() {
      return botUserId;
    },

    async start() {
      if (app || starting) throw new SlackStartError("The Slack adapter is already started.");
      starting = true;
      try {
        await startApp();
      } finally {
        starting = false;
      }
    },

    async stop() {
      const bolt = app;
      app = undefined;
      // Stop taking events first; answers in flight may finish until the deadline, and only then are
      // they aborted, which finalizes their placeholders with a short message.
      if (bolt) {
        await bolt
          .stop()
          .catch((error: unknown) => logger.warn({ error: errorSummary(error) }, "slack stop failed"));
      }
      httpServer = undefined;
      await work.drain(options.drainTimeoutMs ?? config.SHUTDOWN_TIMEOUT_MS);
    },
  };

  function botTokenRotation(): RotatableSecret {
    return {
      name: "SLACK_BOT_TOKEN",
      validate: async (token) => {
        if (!webClient || !clientOptions) throw new SlackStartError("The Slack adapter is not running.");
        const identity = await verifyBotToken(new slackWebApi.WebClient(token, clientOptions));
        if (identity.botUserId !== botUserId) {
          throw new SlackStartError("The new SLACK_BOT_TOKEN belongs to another bot user.");
        }
      },
      apply: (token) => {
        webClient?.useToken(token);
      },
    };
  }

  async function startApp(): Promise<void> {
    const botToken = config.SLACK_BOT_TOKEN;
    if (!botToken || (mode === "http" && !config.SLACK_SIGNING_SECRET)) {
      throw new SlackConfigError(
        "Slack needs SLACK_BOT_TOKEN and either SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode).",
      );
    }
    clientOptions = slackClientOptions({
      slackApiUrl: config.SLACK_API_URL,
      logger,
      ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    });
    webClient = new SwappableWebClient(botToken, clientOptions);
    const { client } = webClient;
    const identity = await verifyBotToken(client);
    if (mode === "socket" && config.SLACK_APP_TOKEN) {
      await verifyAppToken(new slackWebApi.WebClient(config.SLACK_APP_TOKEN, clientOptions));
    }
    work = new InFlightWork();
    const port = options.port ?? config.PORT;
    const bolt = createBoltApp({
      mode,
      botToken,
      signingSecret: config.SLACK_SIGNING_SECRET,
      appToken: config.SLACK_APP_TOKEN,
      identity,
      clientOptions,
      logger,
      port,
      onRejected: new RejectionLog({
        logger,
        count: (reason) => services.metrics?.slackRejected.inc({ reason }),
      }).record,
      customRoutes: [
        ...(options.customRoutes ?? []),
        ...(mode === "http" && services.health ? healthRoutes(services.health) : []),
      ],
    });
    bolt.error(async (error) => {
      logger.error({ error: errorSummary(error) }, "slack listener failed");
    });
    const messenger = new WebClientMessenger(client);
    noticeMessenger = messenger;
    const replies: SlackReplySettings = {
      messenger,
      maxMessages: config.ANSWER_MAX_MESSAGES,
      ...(config.SLACK_NATIVE_STREAMING === "auto"
        ? { nativeStreaming: new NativeStreamingSupport(logger) }
        : {}),
      updateIntervalMs: options.updateIntervalMs ?? config.SLACK_UPDATE_INTERVAL_MS,
      ...(options.partLimit ? { partLimit: options.partLimit } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.placeholderDelayMs === undefined ? {} : { placeholderDelayMs: options.placeholderDelayMs }),
    };
    const context: SlackHandlerContext = {
      services,
      botUserId: identity.botUserId,
      homeTeamId: identity.teamId,
      botDirectMessages: new BotDirectMessages(),
      directory: new SlackUserDirectory(client, logger),
      messenger,
      answeredThreads: new AnsweredThreads(),
      replies,
      signal: work.stopping,
      runDetached,
    };
    registerEventHandlers(bolt, context);
    registerCommands(bolt, context);

    try {
      if (mode === "http") {
        const listen = options.host ? { port, host: options.host } : { port };
        httpServer = (await bolt.start(listen, serverOptions)) as Server;
        limitServer(httpServer, config.SLACK_MAX_CONNECTIONS);
      } else {
        await bolt.start();
      }
    } catch (error) {
      await bolt.stop().catch(() => {});
      throw startError(error);
    }
    app = bolt;
    botUserId = identity.botUserId;
    logger.info({ mode, botUserId, teamId: identity.teamId }, "slack adapter started");
  }
}

/** Socket Mode reports a bad app token from apps.connections.open while connecting. */
function startError(error: unknown): Error {
  const code = slackErrorCode(error);
  if (code && tokenErrorCodes.has(code)) return new SlackAuthError("SLACK_APP_TOKEN", code, { cause: error });
  const reason = error instanceof Error ? error.message : String(error);
  return new SlackStartError(`The Slack adapter could not start: ${reason}`, { cause: error });
}
