import { config as loadDotenv } from "dotenv";
import { type Config, ConfigError, configWarnings, parseConfig } from "./config.ts";

export interface LoadOptions {
  /** Required variables this command never reads (`npm run discord:register` needs no model key). */
  unused?: readonly "OPENAI_API_KEY"[];
}

/** Stands in for a required variable a command does not use; never sent anywhere. */
export const UNUSED_VARIABLE = "unused-by-this-command";

/**
 * Reads `.env` (the real environment wins) and validates; on error prints one message and exits.
 * Warnings (a setting that does nothing) go to stderr, one line each.
 */
export function loadConfigOrExit(
  environment: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Config {
  loadDotenv({ quiet: true, processEnv: environment });
  const unused = Object.fromEntries(
    (options.unused ?? [])
      .filter((name) => !environment[name]?.trim())
      .map((name) => [name, UNUSED_VARIABLE]),
  );
  try {
    const config = parseConfig({ ...environment, ...unused });
    for (const warning of configWarnings(config)) process.stderr.write(`Warning: ${warning}\n`);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
