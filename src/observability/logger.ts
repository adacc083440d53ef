import { type Logger, pino } from "pino";

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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactedPaths, censor: "[redacted]" },
      base: { service: "llm-chat-bot" },
    },
    destination,
  );
}

/** A logger that writes nothing; the default in tests and library use. */
export const silentLogger: Logger = pino({ level: "silent" });
