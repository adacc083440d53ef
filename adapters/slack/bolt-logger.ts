import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../../src/index.ts";
import { errorSummary } from "./errors.ts";

type Method = "debug" | "info" | "warn" | "error";

/**
 * Routes Bolt's and the Web API client's logging into pino. The level stays pino's: Bolt calls
 * setLevel(INFO) on any logger it is given, which would otherwise override LOG_LEVEL. Error objects
 * are reduced to code and message because SDK errors can carry request details.
 */
export function toBoltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: "slack-sdk" });
  const write =
    (method: Method) =>
    (...parts: unknown[]) => {
      if (!child.isLevelEnabled(method)) return;
      const error = parts.find((part) => part instanceof Error);
      const text = parts
        .filter((part) => !(part instanceof Error))
        .map((part) => (typeof part === "string" ? part : safeJson(part)))
        .join(" ");
      if (error) child[method]({ error: errorSummary(error) }, text);
      else child[method](text);
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    setLevel: () => {},
    getLevel: () => boltLevel(logger.level),
    setName: () => {},
  };
}

function boltLevel(level: string): LogLevel {
  if (level === "debug" || level === "trace") return LogLevel.DEBUG;
  if (level === "info") return LogLevel.INFO;
  if (level === "warn") return LogLevel.WARN;
  return LogLevel.ERROR;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
