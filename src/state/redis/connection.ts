import { EventEmitter } from "node:events";
import { createClient, ErrorReply, type RedisClientType, TimeoutError } from "redis";
import type { Logger } from "../../observability/logger.ts";
import { describeRedisUrl, RedisStartupError, RedisUnavailableError } from "./errors.ts";

export type RedisClient = RedisClientType;

export interface RedisConnectionOptions {
  url: string;
  logger: Logger;
  /** A command that takes longer fails (and the store falls back) instead of holding up an answer. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Connection attempts at start before giving up (covers Redis starting next to the bot). */
  startAttempts?: number;
  /** Ceiling of the back-off between reconnection attempts while running. */
  reconnectMaxDelayMs?: number;
  /** After a command timed out, skip Redis for this long rather than make every call wait again. */
  skipAfterTimeoutMs?: number;
  now?: () => number;
}

type Listener = () => void | Promise<void>;

/**
 * One node-redis client plus what the stores need around it: an outage state logged once per outage,
 * commands that fail fast while Redis is away (no offline queue, a command timeout), and a hook to
 * replay what was buffered once it is back. It never lets an 'error' event crash the process.
 */
export class RedisConnection {
  readonly client: RedisClient;
  readonly target: string;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly skipAfterTimeoutMs: number;
  private readonly events = new EventEmitter();
  private started = false;
  private closing = false;
  private down = false;
  private downSince = 0;
  private skipUntil = 0;
  private readonly loggedReplies = new Set<string>();
  private readonly recoveryListeners: Listener[] = [];

  private constructor(options: RedisConnectionOptions) {
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.target = describeRedisUrl(options.url);
    this.skipAfterTimeoutMs = options.skipAfterTimeoutMs ?? 2000;
    const startAttempts = options.startAttempts ?? 3;
    const maxDelay = options.reconnectMaxDelayMs ?? 2000;
    this.client = createClient({
      url: options.url,
      // Queued commands would wait for the reconnection and hold answers hostage; fail them at once.
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs ?? 1500 },
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 3000,
        reconnectStrategy: (retries, cause) => {
          if (this.closing) return false;
          if (!this.started) {
            return retries + 1 < startAttempts
              ? 250 * (retries + 1)
              : new RedisStartupError(this.target, { cause });
          }
          return Math.min(maxDelay, 100 * 2 ** Math.min(retries, 10));
        },
      },
    }) as RedisClient;
    this.client.on("error", (error: unknown) => {
      if (this.started && !this.closing) this.markDown(error);
    });
    this.client.on("ready", () => {
      if (this.started) this.markUp();
    });
  }

  /** Connects, or rejects with a `RedisStartupError` that says what to do. */
  static async connect(options: RedisConnectionOptions): Promise<RedisConnection> {
    const connection = new RedisConnection(options);
    try {
      await connection.client.connect();
      await connection.client.ping();
    } catch (error) {
      connection.closing = true;
      if (connection.client.isOpen) connection.client.destroy();
      // node-redis wraps what the reconnect strategy returns in a ReconnectStrategyError.
      const original = (error as { originalError?: unknown } | undefined)?.originalError;
      if (error instanceof RedisStartupError) throw error;
      if (original instanceof RedisStartupError) throw original;
      throw new RedisStartupError(connection.target, { cause: error });
    }
    connection.started = true;
    return connection;
  }

  /** Connected, and no recent timeout: what /readyz reports. */
  isReady(): boolean {
    return this.client.isReady && !this.down && this.now() >= this.skipUntil;
  }

  /** Runs one operation; any failure becomes a `RedisUnavailableError` that the stores know to handle. */
  async run<T>(what: string, operation: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.closing) throw new RedisUnavailableError(`Redis ${what}: the connection is closed`);
    if (!this.client.isReady) {
      this.markDown(new Error("not connected"));
      throw new RedisUnavailableError(`Redis ${what}: not connected`);
    }
    if (this.now() < this.skipUntil)
      throw new RedisUnavailableError(`Redis ${what}: skipped after a timeout`);
    try {
      const result = await operation(this.client);
      this.markUp();
      return result;
    } catch (error) {
      if (error instanceof ErrorReply) {
        this.logReplyOnce(what, error);
      } else {
        if (error instanceof TimeoutError) this.skipUntil = this.now() + this.skipAfterTimeoutMs;
        this.markDown(error);
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new RedisUnavailableError(`Redis ${what} failed: ${message}`, { cause: error });
    }
  }

  /** Called after each outage ends, e.g. to write what was buffered meanwhile. */
  onRecovered(listener: Listener): void {
    this.recoveryListeners.push(listener);
  }

  /**
   * `down` when an outage starts, `up` when Redis answers again, `recovered` once the onRecovered
   * listeners have written back what was buffered. For readiness probes and tests.
   */
  on(event: "up" | "down" | "recovered", listener: () => void): void {
    this.events.on(event, listener);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (!this.client.isOpen) return;
    try {
      if (this.client.isReady) await this.client.close();
      else this.client.destroy();
    } catch {
      this.client.destroy();
    }
  }

  private markDown(error: unknown): void {
    if (this.down || this.closing) return;
    this.down = true;
    this.downSince = this.now();
    this.logger.warn(
      { err: error instanceof Error ? error.message : String(error), redis: this.target },
      "Redis unreachable: shared state falls back to this process's memory until it returns",
    );
    this.events.emit("down");
  }

  private markUp(): void {
    if (!this.down || this.closing) return;
    this.down = false;
    this.skipUntil = 0;
    this.loggedReplies.clear();
    this.logger.info({ redis: this.target, outageMs: this.now() - this.downSince }, "Redis reachable again");
    this.events.emit("up");
    void this.replayBuffered();
  }

  private async replayBuffered(): Promise<void> {
    for (const listener of this.recoveryListeners) {
      try {
        await listener();
      } catch (error) {
        // A new outage mid-replay: what is left stays buffered for the next recovery.
        this.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          "Redis replay interrupted",
        );
      }
    }
    this.events.emit("recovered");
  }

  /** An error reply (OOM, READONLY replica, wrong type) repeats on every call: say it once per outage. */
  private logReplyOnce(what: string, error: ErrorReply): void {
    const kind = error.message.split(" ")[0] ?? "ERR";
    if (this.loggedReplies.has(kind)) return;
    this.loggedReplies.add(kind);
    this.logger.error({ err: error.message, operation: what, redis: this.target }, "Redis refused a command");
  }
}
