import { ConfigError, parseConfig } from "../../src/config/config.ts";

/** The problems parseConfig reports for `environment`; fails the test when it reports none. */
export function problemsOf(environment: Record<string, string | undefined>): string[] {
  try {
    parseConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a ConfigError");
}
