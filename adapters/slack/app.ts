import { App, type CustomRoute, HTTPReceiver, type webApi } from "@slack/bolt";
import type { Logger } from "../../src/index.ts";
import { toBoltLogger } from "./bolt-logger.ts";
import { guardSlackRequests, MAX_SLACK_BODY_BYTES, type RejectionReason } from "./request-guard.ts";
import { signingSecretsOf } from "./signing-secrets.ts";
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
  /** HTTP mode: told of every request refused before Bolt saw it. */
  onRejected?: (reason: RejectionReason) => void;
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
  // SLACK_SIGNING_SECRET may hold two secrets while Slack rotates them: the guard below accepts a
  // signature by either, and Bolt, which verifies with one, then relies on the guard's check.
  const secrets = signingSecretsOf(settings.signingSecret);
  const receiver = new HTTPReceiver({
    signingSecret: secrets[0] ?? "",
    ...(secrets.length > 1 ? { signatureVerification: false } : {}),
    endpoints: EVENTS_PATH,
    port: settings.port,
    customRoutes: settings.customRoutes,
    logger: common.logger,
    // Ack first, answer after: a streamed answer takes longer than Slack's 3 s.
    processBeforeResponse: false,
    bodyLimit: MAX_SLACK_BODY_BYTES,
  });
  // Unsigned, stale, future-dated and oversized requests are refused before their body is read.
  receiver.requestListener = guardSlackRequests(receiver.requestListener, {
    path: EVENTS_PATH,
    signingSecrets: secrets,
    onRejected: settings.onRejected ?? (() => {}),
  });
  return new App({ ...common, receiver });
}
