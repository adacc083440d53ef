import { z } from "zod";
import { fileVariableOf, type ReadText, readSecretFiles } from "./secret-files.ts";
import { allVariables } from "./variables/index.ts";

const shape = Object.fromEntries(Object.entries(allVariables).map(([name, spec]) => [name, spec.schema])) as {
  [K in keyof typeof allVariables]: (typeof allVariables)[K]["schema"];
};

export const configSchema = z.object(shape);

export type Config = z.output<typeof configSchema>;

/** Thrown with every problem at once, so an operator fixes the environment in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const secretNames = new Set(
  Object.entries(allVariables)
    .filter(([, spec]) => "secret" in spec && spec.secret)
    .map(([name]) => name),
);

export function isSecretVariable(name: string): boolean {
  return secretNames.has(name);
}

/** Every secret variable: each also accepts `<NAME>_FILE`. */
export const secretVariableNames: readonly string[] = [...secretNames];

/**
 * Validates an environment. Messages name the variable and the fix, and never echo a value:
 * a mistyped secret in the wrong variable must not end up in a terminal or a log.
 */
export function parseConfig(given: Record<string, string | undefined>, readText?: ReadText): Config {
  const files = readSecretFiles(given, secretNames, readText);
  const environment = files.environment;
  const result = configSchema.safeParse(environment);
  if (result.success) {
    const problems = [...files.problems, ...crossFieldProblems(result.data)];
    if (problems.length > 0) throw new ConfigError(problems);
    return result.data;
  }
  // A file that could not be read leaves its variable unset: report the file, not a missing value.
  const issues = result.error.issues.filter((issue) => !files.unreadable.includes(String(issue.path[0])));
  const single = issues.map((issue) => {
    const name = String(issue.path[0] ?? "?");
    const spec = allVariables[name as keyof typeof allVariables];
    const missing = issue.code === "invalid_type" && !environment[name]?.trim();
    const what = missing ? "is missing" : `is invalid (${issue.message})`;
    const where = secretNames.has(name) ? `Set it or ${fileVariableOf(name)}` : "Set it";
    return `${name} ${what}. ${spec ? spec.description : ""} ${where} in the environment or in .env (see .env.example).`;
  });
  throw new ConfigError([...files.problems, ...single, ...crossFieldProblems(partial(environment))]);
}

type WindowFields = Pick<Config, "HISTORY_MAX_TOKENS" | "MODEL_CONTEXT_TOKENS" | "MAX_TOKENS">;

/** The fields cross-field rules need, when each of them parses on its own; other errors are reported anyway. */
function partial(environment: Record<string, string | undefined>): Partial<WindowFields> {
  const out: Partial<WindowFields> = {};
  for (const name of ["HISTORY_MAX_TOKENS", "MODEL_CONTEXT_TOKENS", "MAX_TOKENS"] as const) {
    const parsed = allVariables[name].schema.safeParse(environment[name]);
    if (parsed.success) out[name] = parsed.data;
  }
  return out;
}

/** Rules that involve several variables; zod checks each one alone. */
function crossFieldProblems(config: Partial<WindowFields>): string[] {
  const problems: string[] = [];
  if (
    config.HISTORY_MAX_TOKENS === undefined ||
    config.MODEL_CONTEXT_TOKENS === undefined ||
    config.MAX_TOKENS === undefined
  ) {
    return problems;
  }
  const promptRoom = Math.min(config.HISTORY_MAX_TOKENS, config.MODEL_CONTEXT_TOKENS) - config.MAX_TOKENS;
  if (promptRoom < 256) {
    problems.push(
      `HISTORY_MAX_TOKENS (${config.HISTORY_MAX_TOKENS}) and MODEL_CONTEXT_TOKENS (${config.MODEL_CONTEXT_TOKENS}) ` +
        `leave ${promptRoom} tokens for the prompt after reserving MAX_TOKENS (${config.MAX_TOKENS}) for the answer; ` +
        "raise HISTORY_MAX_TOKENS or lower MAX_TOKENS so that at least 256 remain.",
    );
  }
  return problems;
}
