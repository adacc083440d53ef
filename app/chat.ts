import { pino } from "pino";
import { ConsoleAdapter } from "../adapters/console/console-adapter.ts";
import { loadConfigOrExit } from "../src/config/load.ts";
import { createLogger } from "../src/observability/logger.ts";
import { createServices } from "../src/services.ts";

// `npm run chat`: the engine in a terminal, no platform credentials needed.
const config = loadConfigOrExit();
// Logs go to stderr so that answers on stdout stay clean for scripts.
const logger = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, pino.destination(2));
const services = createServices(config, logger);
const adapter = new ConsoleAdapter({
  engine: services.engine,
  input: process.stdin,
  output: process.stdout,
  interactive: Boolean(process.stdin.isTTY),
  locale: config.BOT_LOCALE,
  logger,
});
await adapter.start();
await adapter.done();
process.exit(0);
