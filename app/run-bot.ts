import type { Adapter, AdapterServices, PlatformAdapter } from "../src/adapter.ts";
import type { Config } from "../src/config/config.ts";
import { loadConfigOrExit } from "../src/config/load.ts";
import { ExitCode } from "../src/exit-codes.ts";
import { apiKeyRotation } from "../src/llm/api-key-rotation.ts";
import { systemClock } from "../src/llm/clock.ts";
import { OpenAiChatClient } from "../src/llm/openai-client.ts";
import {
  type HealthOptions,
  type ReadinessReport,
  type RunningHealthServer,
  startHealthServer,
} from "../src/monitoring/health-server.ts";
import { type BotMetrics, createMetrics } from "../src/monitoring/metrics.ts";
import { createLogger, type Logger } from "../src/observability/logger.ts";
import { SecretReloader } from "../src/secrets/secret-reloader.ts";
import { createServices } from "../src/services.ts";
import { type OpenedStores, openStores } from "../src/state/open-stores.ts";

export { ExitCode };

export interface RunBotOptions {
  /** The platforms this process may run; those whose credentials are set start. */
  platforms: readonly PlatformAdapter[];
  /**
   * Serve /healthz, /readyz and /metrics on PORT when no adapter serves HTTP itself. A shard process
   * says false: its manager owns PORT and asks the shards over IPC.
   */
  serveHealth?: boolean;
  /** Fields on every log line of this process, e.g. `{ shard: 1 }`. */
  logBindings?: Record<string, unknown>;
}

/** A started bot process. */
export interface RunningBot {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: BotMetrics;
  /** What /readyz reports: each adapter's connection, and Redis when configured. */
  readiness(): ReadinessReport;
  /** Stops taking messages, lets answers in flight finish, closes everything and exits 0. */
  shutdown(reason: string): Promise<void>;
  /** Re-reads the secrets and swaps in the changed ones that validate (what SIGHUP does). */
  readonly secrets: SecretReloader;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function exitWith(code: number, text: string): never {
  process.stderr.write(`${text}\n`);
  process.exit(code);
}

/**
 * One bot process: configuration, Redis stores when REDIS_URL is set, metrics, the enabled adapters,
 * the health endpoints and graceful shutdown on SIGTERM/SIGINT. `npm start` runs every platform;
 * each shard of `npm run start:sharded` runs Discord only, without a health server of its own.
 * Start-up problems print one clear line and exit with an `ExitCode`: never a stack trace, never a
 * crash loop of retries.
 */
export async function runBot(options: RunBotOptions): Promise<RunningBot> {
  const config = loadConfigOrExit();
  const root = createLogger(config.LOG_LEVEL);
  const logger = options.logBindings ? root.child(options.logBindings) : root;
  const enabled = options.platforms.filter((platform) => platform.isConfigured(config));
  if (enabled.length === 0) {
    const names = options.platforms
      .map((platform) => `  ${platform.name}: ${platform.credentials}`)
      .join("\n");
    exitWith(
      ExitCode.config,
      `No platform is configured. Set the credentials of at least one:\n${names}\n` +
        "See .env.example and the README. To chat with the model in this terminal instead, run: npm run chat",
    );
  }

  process.on("unhandledRejection", (reason) => {
    logger.error({ err: message(reason) }, "unhandled rejection");
  });

  let opened: OpenedStores;
  try {
    opened = await openStores(config, systemClock, logger);
  } catch (error) {
    exitWith(ExitCode.unavailable, message(error));
  }
  const sharedStateReady = opened.isReady;

  const metrics = createMetrics();
  const services = createServices(config, logger, {
    stores: opened.stores,
    observer: metrics.engineObserver,
    onAttempt: metrics.recordAttempt,
  });
  metrics.watch({
    limiter: services.stores.limiter,
    cache: services.stores.cache,
    ...(sharedStateReady ? { redisReady: sharedStateReady } : {}),
  });

  let secretsLoadedAt = Date.now();

  let started = false;
  let stopping = false;
  const adapters: Adapter[] = [];
  const readiness = (): ReadinessReport => ({
    ...Object.fromEntries(
      adapters.map((adapter) => [adapter.name, started && !stopping && (adapter.isReady?.() ?? true)]),
    ),
    ...(sharedStateReady ? { redis: sharedStateReady() } : {}),
  });
  const health: HealthOptions = {
    metrics,
    readiness,
    details: () => ({ secretsLoadedAt: new Date(secretsLoadedAt).toISOString() }),
  };
  const adapterServices: AdapterServices = {
    ...services,
    engine: metrics.instrument(services.engine),
    metrics,
    health,
  };
  adapters.push(...enabled.map((platform) => platform.create(adapterServices)));
  const secrets = new SecretReloader({
    environment: process.env,
    inUse: config,
    rotatable: [
      ...(services.llm instanceof OpenAiChatClient ? [apiKeyRotation(services.llm, logger)] : []),
      ...adapters.flatMap((adapter) => adapter.rotatableSecrets?.() ?? []),
    ],
    logger: logger.child({ component: "secrets" }),
    now: () => Date.now(),
    onReloaded: (atMs) => {
      secretsLoadedAt = atMs;
      metrics.secretsLoaded.set(atMs / 1000);
    },
  });
  metrics.secretsLoaded.set(secretsLoadedAt / 1000);
  const stopWatchingSecrets = secrets.watchFiles(config.SECRETS_WATCH_INTERVAL_MS);
  // SIGHUP, the daemon convention for "read your configuration again"; without a listener it kills node.
  process.on("SIGHUP", () => void secrets.reload("SIGHUP"));
  services.engine.onNotice((notice) => {
    for (const adapter of adapters) {
      if (adapter.name !== notice.platform) continue;
      adapter.postNotice?.(notice).catch((error: unknown) => {
        logger.warn({ err: message(error) }, "could not post a notice");
      });
    }
  });

  // Slack in HTTP mode owns PORT and serves the health routes itself; otherwise they get their own server.
  let healthServer: RunningHealthServer | undefined;
  if ((options.serveHealth ?? true) && !adapters.some((adapter) => adapter.servesHttp)) {
    try {
      healthServer = await startHealthServer({ ...health, port: config.PORT });
    } catch (error) {
      await opened.close();
      exitWith(
        ExitCode.startFailed,
        `Could not serve the health endpoints on PORT ${config.PORT}: ${message(error)}`,
      );
    }
  }

  const closeAll = async () => {
    stopWatchingSecrets();
    await Promise.allSettled(adapters.map((adapter) => adapter.stop()));
    await healthServer?.close();
    await opened.close();
  };

  async function shutdown(reason: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down: no new messages; letting answers in flight finish");
    // The adapters drain for SHUTDOWN_TIMEOUT_MS; this is the backstop should a close hang.
    setTimeout(() => {
      logger.warn("shutdown deadline passed; exiting");
      process.exit(ExitCode.ok);
    }, config.SHUTDOWN_TIMEOUT_MS + 5000).unref();
    await closeAll();
    logger.info("stopped");
    process.exit(ExitCode.ok);
  }
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  try {
    await Promise.all(adapters.map((adapter) => adapter.start()));
    started = true;
    logger.info({ adapters: adapters.map((adapter) => adapter.name) }, "bot started");
  } catch (error) {
    // Invalid credentials and the like: one clear line, no stack trace, no crash loop of retries.
    process.stderr.write(`Could not start: ${message(error)}\n`);
    await closeAll();
    process.exit(ExitCode.startFailed);
  }

  return { config, logger, metrics, readiness, shutdown, secrets };
}
