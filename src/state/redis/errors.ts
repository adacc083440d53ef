/** Redis could not be reached when the process started: the operator must fix REDIS_URL or start Redis. */
export class RedisStartupError extends Error {
  constructor(
    /** Where we tried to connect, without credentials. */
    readonly target: string,
    options?: ErrorOptions,
  ) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(
      `Could not connect to Redis at ${target} (REDIS_URL)${cause}. ` +
        "Start Redis or fix REDIS_URL; unset REDIS_URL to keep state in this process's memory.",
      options,
    );
    this.name = "RedisStartupError";
  }
}

/**
 * A Redis operation failed while running (connection down, timeout, or an error reply). Stores catch
 * it and fall back to memory where that is safe; it only escapes where silently losing data is worse.
 */
export class RedisUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RedisUnavailableError";
  }
}

/** `redis://user:secret@host:6379/2` -> `redis://host:6379/2`: safe to print and log. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || "6379";
    const database = parsed.pathname && parsed.pathname !== "/" ? parsed.pathname : "";
    return `${parsed.protocol}//${parsed.hostname}:${port}${database}`;
  } catch {
    return "(unparseable REDIS_URL)";
  }
}
