import type { Config } from "./config/config.ts";
import type { EngineNotice } from "./engine/turn-recorder.ts";
import type { ConversationEngine } from "./engine/types.ts";
import type { HealthOptions } from "./monitoring/health-server.ts";
import type { BotMetrics } from "./monitoring/metrics.ts";
import type { Logger } from "./observability/logger.ts";
import type { RotatableSecret } from "./secrets/secret-reloader.ts";
import type { DedupeStore } from "./state/dedupe.ts";

/** What an adapter gets from the process: nothing platform-specific. */
export interface AdapterServices {
  config: Config;
  engine: ConversationEngine;
  dedupe: DedupeStore;
  logger: Logger;
  /** Counters an adapter adds to (rejected requests); absent in tests and the console. */
  metrics?: BotMetrics;
  /** Health and metrics routes, for an adapter that owns the HTTP port (Slack in HTTP mode). */
  health?: HealthOptions;
}

/**
 * A platform connection. `start` resolves once the adapter is receiving events (or rejects with a
 * clear error, e.g. invalid credentials); `stop` stops taking new events and closes connections.
 */
export interface Adapter {
  readonly name: string;
  start(): Promise<void>;
  /** Stops taking events, lets answers in flight finish (up to SHUTDOWN_TIMEOUT_MS), then disconnects. */
  stop(): Promise<void>;
  /** Whether the platform connection is up, for /readyz. */
  isReady?(): boolean;
  /** Whether this adapter serves HTTP on PORT itself (then it also serves the health routes). */
  readonly servesHttp?: boolean;
  /** Posts an operator notice (budget warnings) to the ADMIN_CHANNEL_ID channels it can reach. */
  postNotice?(notice: EngineNotice): Promise<void>;
  /**
   * The credentials this adapter can swap while running (on SIGHUP or a changed secret file): each
   * checked with the platform before use. A changed credential not listed needs a restart.
   */
  rotatableSecrets?(): RotatableSecret[];
}

/**
 * A platform as `npm start` sees it: when it is configured, and how to build its adapter. Each
 * adapter folder exports one; `app/platforms.ts` lists them.
 */
export interface PlatformAdapter {
  name: string;
  /** The variables that enable it, for the "nothing configured" message. */
  credentials: string;
  isConfigured(config: Config): boolean;
  create(services: AdapterServices): Adapter;
}
