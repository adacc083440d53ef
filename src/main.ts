import { platformAdapters } from "../adapters/registry.ts";
import { createServices } from "./bot/services.ts";
import { loadConfigOrExit } from "./config/load.ts";
import { createLogger } from "./observability/logger.ts";

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

const services = createServices(config, logger);
const adapters = enabled.map((platform) => platform.create(services));
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  await Promise.allSettled(adapters.map((adapter) => adapter.stop()));
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
process.on("unhandledRejection", (reason) => {
  logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, "unhandled rejection");
});

try {
  await Promise.all(adapters.map((adapter) => adapter.start()));
  logger.info({ adapters: adapters.map((adapter) => adapter.name) }, "bot started");
} catch (error) {
  // Invalid credentials and the like: one clear line, no stack trace, no crash loop of retries.
  process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  await Promise.allSettled(adapters.map((adapter) => adapter.stop()));
  process.exit(1);
}
