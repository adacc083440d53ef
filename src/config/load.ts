import { config as loadDotenv } from "dotenv";
import { type Config, ConfigError, parseConfig } from "./config.ts";

/** Reads `.env` (the real environment wins) and validates; on error prints one message and exits. */
export function loadConfigOrExit(environment: NodeJS.ProcessEnv = process.env): Config {
  loadDotenv({ quiet: true, processEnv: environment });
  try {
    return parseConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
