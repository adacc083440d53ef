import { platformAdapters } from "../adapters/registry.ts";
import type { Adapter, AdapterServices } from "./adapter.ts";
import { createServices } from "./bot/services.ts";
import { loadConfigOrExit } from "./config/load.ts";
import { systemClock } from "./llm/clock.ts";
import {
  type HealthOptions,
  type RunningHealthServer,
  startHealthServer,
} from "./observability/health-server.ts";
import { createLogger } from "./observability/logger.ts";
import { createMetrics } from "./observability/metrics.ts";
import { createRedisStores, type RedisStores } from "./state/redis/create-stores.ts";

// `npm start`: every adapter whose credentials are present, in one process.
const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);
const enabled = platformAdapters.filter((platform) => platform.isConfigured(config));
if (enabled.length === 0) {
  const names = platformAdapters.map((platform) => `  ${platform.name}: ${platform.credentials}`).join("\n");
  process.stderr.write(
    `No platform is configured. Set the credentials of at least one:\n${names}\n` +
      "See .env.example and the README. To chat with the model in this terminal instead, run: npm run chat\n",
  );
  process.exit(78);
}

process.on("unhandledRejection", (reason) => {
  logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, "unhandled rejection");
});

let redis: RedisStores | undefined;
if (config.REDIS_URL) {
  try {
    redis = await createRedisStores(config.REDIS_URL, config, systemClock, logger);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(69); // EX_UNAVAILABLE: a supervisor may retry later; we do not crash-loop here
  }
}

const metrics = createMetrics();
const services = createServices(config, logger, {
  ...(redis ? { stores: redis.stores } : {}),
  observer: metrics.engineObserver,
  onAttempt: metrics.recordAttempt,
});
metrics.watch({
  limiter: services.stores.limiter,
  cache: services.stores.cache,
  ...(redis ? { redisReady: () => redis?.isReady() ?? false } : {}),
});

let started = false;
let stopping = false;
const adapters: Adapter[] = [];
const health: HealthOptions = {
  metrics,
  readiness: () => ({
    ...Object.fromEntries(
      adapters.map((adapter) => [adapter.name, started && !stopping && (adapter.isReady?.() ?? true)]),
    ),
    ...(redis ? { redis: redis.isReady() } : {}),
  }),
};
const adapterServices: AdapterServices = {
  ...services,
  engine: metrics.instrument(services.engine),
  metrics,
  health,
};
adapters.push(...enabled.map((platform) => platform.create(adapterServices)));
services.engine.onNotice((notice) => {
  for (const adapter of adapters) {
    if (adapter.name !== notice.platform) continue;
    adapter.postNotice?.(notice).catch((error: unknown) => {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "could not post a notice");
    });
  }
});

// Slack in HTTP mode owns PORT and serves the health routes itself; otherwise they get their own server.
let healthServer: RunningHealthServer | undefined;
if (!adapters.some((adapter) => adapter.servesHttp)) {
  healthServer = await startHealthServer({ ...health, port: config.PORT });
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: no new messages; letting answers in flight finish");
  // The adapters drain for SHUTDOWN_TIMEOUT_MS; this is the backstop should a close hang.
  setTimeout(() => {
    logger.warn("shutdown deadline passed; exiting");
    process.exit(0);
  }, config.SHUTDOWN_TIMEOUT_MS + 5000).unref();
  await Promise.allSettled(adapters.map((adapter) => adapter.stop()));
  await healthServer?.close();
  await redis?.close();
  logger.info("stopped");
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));

try {
  await Promise.all(adapters.map((adapter) => adapter.start()));
  started = true;
  logger.info({ adapters: adapters.map((adapter) => adapter.name) }, "bot started");
} catch (error) {
  // Invalid credentials and the like: one clear line, no stack trace, no crash loop of retries.
  process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  await Promise.allSettled(adapters.map((adapter) => adapter.stop()));
  await healthServer?.close();
  await redis?.close();
  process.exit(1);
}
