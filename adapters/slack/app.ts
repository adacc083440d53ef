import { App, type CustomRoute, type webApi } from "@slack/bolt";
import type { Logger } from "../../src/index.ts";
import { toBoltLogger } from "./bolt-logger.ts";
import { receiverForSecrets, signingSecretsOf } from "./signing-secrets.ts";
import type { BotIdentity } from "./web-client.ts";

export type SlackMode = "http" | "socket";

export interface BoltAppSettings {
  mode: SlackMode;
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  identity: BotIdentity;
  clientOptions: webApi.WebClientOptions;
  logger: Logger;
  /** HTTP mode: the port of /slack/events. Socket Mode: the port of `customRoutes`, if any. */
  port: number;
  /** Extra HTTP routes on the same server, e.g. health checks. */
  customRoutes: CustomRoute[];
}

/** Where Slack sends events, commands and interactivity in HTTP mode. */
export const EVENTS_PATH = "/slack/events";

/**
 * The Bolt app for one mode. botId and botUserId come from our own auth.test, so Bolt makes no
 * auth.test of its own (whose failure it would leave unhandled) and `ignoreSelf` still works.
 */
export function createBoltApp(settings: BoltAppSettings): App {
  const common = {
    token: settings.botToken,
    botId: settings.identity.botId,
    botUserId: settings.identity.botUserId,
    tokenVerificationEnabled: false,
    clientOptions: settings.clientOptions,
    logger: toBoltLogger(settings.logger),
    customRoutes: settings.customRoutes,
    port: settings.port,
    // Bolt's conversation store keeps state per channel in memory; the engine keeps ours.
    convoStore: false as const,
  };
  if (settings.mode === "socket") {
    return new App({ ...common, socketMode: true, appToken: settings.appToken });
  }
  const secrets = signingSecretsOf(settings.signingSecret);
  if (secrets.length > 1) {
    // A rotation window: either secret verifies (Bolt's own receiver takes one).
    const { port, customRoutes, logger, ...rest } = common;
    const receiver = receiverForSecrets(
      secrets,
      { endpoints: EVENTS_PATH, port, customRoutes, logger, processBeforeResponse: false },
      settings.logger,
    );
    return new App({ ...rest, logger, receiver });
  }
  return new App({
    ...common,
    signingSecret: settings.signingSecret,
    endpoints: EVENTS_PATH,
    // Ack first, answer after: a streamed answer takes longer than Slack's 3 s.
    processBeforeResponse: false,
  });
}
