import { webApi as slackWebApi, type webApi } from "@slack/bolt";
import type { Logger } from "../../src/index.ts";
import { toBoltLogger } from "./bolt-logger.ts";
import { SlackAuthError, SlackStartError, slackErrorCode, tokenErrorCodes } from "./errors.ts";

/**
 * A person is waiting for the reply: a few quick retries, not the SDK default of ten over half an
 * hour. A 429 is still waited out for as long as its retry-after says (the SDK pauses the queue).
 */
export const INTERACTIVE_RETRY: webApi.RetryOptions = {
  retries: 2,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 2_000,
  randomize: true,
};

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface SlackClientSettings {
  slackApiUrl: string;
  logger: Logger;
  retryConfig?: webApi.RetryOptions;
  requestTimeoutMs?: number;
}

export function slackClientOptions(settings: SlackClientSettings): webApi.WebClientOptions {
  return {
    slackApiUrl: settings.slackApiUrl,
    retryConfig: settings.retryConfig ?? INTERACTIVE_RETRY,
    timeout: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    logger: toBoltLogger(settings.logger),
  };
}

/**
 * One WebClient for every call of the adapter whose token can change while running (SLACK_BOT_TOKEN
 * rotated on SIGHUP). A WebClient fixes its Authorization header when built, so a new token means a
 * new WebClient; `client` forwards every use to the newest one, and the messenger and the user
 * directory keep holding the same object.
 */
export class SwappableWebClient {
  private current: webApi.WebClient;
  readonly client: webApi.WebClient;

  constructor(
    token: string,
    private readonly options: webApi.WebClientOptions,
  ) {
    this.current = new slackWebApi.WebClient(token, options);
    this.client = new Proxy(this.current, {
      get: (_target, property) => Reflect.get(this.current, property, this.current),
    });
  }

  useToken(token: string): void {
    this.current = new slackWebApi.WebClient(token, this.options);
  }
}

export interface BotIdentity {
  botUserId: string;
  botId: string;
  teamId: string | undefined;
}

/**
 * Runs auth.test once at startup. Bolt would run it inside its constructor and leave a rejection
 * nobody awaits; here a bad token becomes a `SlackAuthError` that `start()` rejects with.
 */
export async function verifyBotToken(client: webApi.WebClient): Promise<BotIdentity> {
  let result: webApi.AuthTestResponse;
  try {
    result = await client.auth.test();
  } catch (error) {
    const code = slackErrorCode(error);
    if (code && tokenErrorCodes.has(code))
      throw new SlackAuthError("SLACK_BOT_TOKEN", code, { cause: error });
    const reason = code ?? (error instanceof Error ? error.message : String(error));
    throw new SlackStartError(`Could not verify SLACK_BOT_TOKEN with Slack's auth.test: ${reason}`, {
      cause: error,
    });
  }
  if (!result.user_id || !result.bot_id) {
    throw new SlackStartError(
      "auth.test did not return a bot user: SLACK_BOT_TOKEN must be a bot token (xoxb-…), not a user token.",
    );
  }
  return { botUserId: result.user_id, botId: result.bot_id, teamId: result.team_id };
}

/**
 * Socket Mode's client retries apps.connections.open forever on errors it does not know to be final
 * (not_allowed_token_type, missing_scope) while the process looks healthy. One call before Bolt
 * starts turns a token that can never connect into a `SlackAuthError` naming SLACK_APP_TOKEN.
 */
export async function verifyAppToken(client: webApi.WebClient): Promise<void> {
  try {
    await client.apps.connections.open();
  } catch (error) {
    const code = slackErrorCode(error);
    if (code && (tokenErrorCodes.has(code) || code === "missing_scope")) {
      throw new SlackAuthError("SLACK_APP_TOKEN", code, { cause: error });
    }
    // Anything else (Slack unreachable, rate limited) is left to the Socket Mode client's retries.
  }
}
