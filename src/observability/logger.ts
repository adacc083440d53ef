import { type Logger, pino } from "pino";
import { configuredSecrets, scrubSecrets, uniqueLongestFirst } from "./secret-scrubber.ts";

export type { Logger };

/**
 * Paths pino censors wherever they appear in a log object. Tokens and keys should never reach a log
 * call in the first place; this is the second line of defence for error objects that carry request
 * options or headers (openai and @slack/web-api errors can).
 */
export const redactedPaths = [
  "apiKey",
  "token",
  "botToken",
  "appToken",
  "signingSecret",
  "authorization",
  "Authorization",
  "*.apiKey",
  "*.token",
  "*.botToken",
  "*.appToken",
  "*.signingSecret",
  "*.authorization",
  "*.Authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  "*.*.headers.authorization",
  "*.*.headers.Authorization",
  "config.OPENAI_API_KEY",
  "config.DISCORD_TOKEN",
  "config.SLACK_BOT_TOKEN",
  "config.SLACK_APP_TOKEN",
  "config.SLACK_SIGNING_SECRET",
  "config.REDIS_URL",
  "redisUrl",
  "*.redisUrl",
];

export interface LoggerOptions {
  /**
   * Values scrubbed from every line, in any field or inside any string; by default the configured
   * secrets (see configuredSecrets), read from the environment `.env` has been loaded into.
   */
  secrets?: readonly string[];
}

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: LoggerOptions = {},
): Logger {
  // As written in a JSON line too: a secret with a quote or backslash is escaped there.
  const given = options.secrets ?? configuredSecrets();
  const secrets = uniqueLongestFirst([...given, ...given.map((s) => JSON.stringify(s).slice(1, -1))]);
  return pino(
    {
      level,
      redact: { paths: redactedPaths, censor: "[redacted]" },
      base: { service: "llm-chat-bot" },
      // The finished line, so a secret is caught wherever it hides: messages, error texts, nested fields.
      hooks: { streamWrite: (line) => scrubSecrets(line, secrets) },
    },
    destination,
  );
}

/** A logger that writes nothing; the default in tests and library use. */
export const silentLogger: Logger = pino({ level: "silent" });
