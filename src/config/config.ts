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
  const credentials = credentialProblems(environment);
  if (result.success) {
    const problems = [...files.problems, ...credentials, ...crossFieldProblems(result.data)];
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
  throw new ConfigError([
    ...files.problems,
    ...single,
    ...credentials,
    ...crossFieldProblems(partial(environment)),
  ]);
}

/**
 * Credentials that cannot work: the placeholders of .env.example left in place, and an app-level
 * token slot holding another kind of token (Socket Mode would retry not_allowed_token_type forever).
 */
function credentialProblems(environment: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(allVariables)) {
    const example = "example" in spec ? spec.example : undefined;
    if (spec.secret && example && environment[name]?.trim() === example) {
      problems.push(`${name} is still the placeholder from .env.example (${example}); set your real value.`);
    }
  }
  const appToken = environment.SLACK_APP_TOKEN?.trim();
  if (appToken && !appToken.startsWith("xapp-")) {
    problems.push(
      "SLACK_APP_TOKEN is not an app-level token (they start with xapp-). Create one with the connections:write " +
        "scope under Basic Information > App-Level Tokens; the bot token (xoxb-…) belongs in SLACK_BOT_TOKEN.",
    );
  }
  return problems;
}

/** Settings that work but are probably not what the operator meant; printed at start, not fatal. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.SLACK_BOT_TOKEN && !config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN) {
    warnings.push(
      "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode): " +
        "Slack is not started.",
    );
  }
  return warnings;
}

type WindowFields = Pick<Config, "HISTORY_MAX_TOKENS" | "MODEL_CONTEXT_TOKENS" | "MAX_TOKENS">;
type ShardFields = Pick<
  Config,
  "DISCORD_SHARDS" | "DISCORD_SHARD_IDS" | "DISCORD_SHARD_GROUP" | "DISCORD_SHARDS_PER_GROUP"
>;
type CrossFields = WindowFields & ShardFields;

/** The fields cross-field rules need, when each of them parses on its own; other errors are reported anyway. */
function partial(environment: Record<string, string | undefined>): Partial<CrossFields> {
  const out: Partial<Record<keyof CrossFields, unknown>> = {};
  const names = [
    "HISTORY_MAX_TOKENS",
    "MODEL_CONTEXT_TOKENS",
    "MAX_TOKENS",
    "DISCORD_SHARDS",
    "DISCORD_SHARD_IDS",
    "DISCORD_SHARD_GROUP",
    "DISCORD_SHARDS_PER_GROUP",
  ] as const;
  for (const name of names) {
    const parsed = allVariables[name].schema.safeParse(environment[name]);
    if (parsed.success) out[name] = parsed.data;
  }
  return out as Partial<CrossFields>;
}

/** Rules that involve several variables; zod checks each one alone. */
function crossFieldProblems(config: Partial<CrossFields>): string[] {
  const problems: string[] = shardProblems(config);
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

/** A machine's share of the shards only makes sense against a fixed total that every machine agrees on. */
function shardProblems(config: Partial<ShardFields>): string[] {
  const ids = config.DISCORD_SHARD_IDS;
  const group = config.DISCORD_SHARD_GROUP;
  if (!ids && group === undefined) return [];
  const setting = ids ? "DISCORD_SHARD_IDS" : "DISCORD_SHARD_GROUP";
  if (ids && group !== undefined) {
    return ["Set DISCORD_SHARD_IDS or DISCORD_SHARD_GROUP, not both: each picks this machine's shards."];
  }
  const total = config.DISCORD_SHARDS;
  if (total === undefined) return []; // invalid itself, and reported as such
  if (total === "auto") {
    return [
      `${setting} needs DISCORD_SHARDS set to the total number of shards over all machines (a number, ` +
        "not auto): every machine must identify with the same count.",
    ];
  }
  if (ids) {
    const outside = ids.filter((id) => id >= total);
    if (outside.length === 0) return [];
    return [
      `DISCORD_SHARD_IDS names shard ${outside.slice(0, 5).join(", ")}${outside.length > 5 ? ", …" : ""}, but DISCORD_SHARDS is ${total} (ids run 0 to ${total - 1}).`,
    ];
  }
  const size = config.DISCORD_SHARDS_PER_GROUP;
  if (size === undefined)
    return ["DISCORD_SHARD_GROUP needs DISCORD_SHARDS_PER_GROUP (the shards of each group)."];
  if (group !== undefined && group * size >= total) {
    return [
      `DISCORD_SHARD_GROUP ${group} of ${size} shards starts at shard ${group * size}, past the last of ` +
        `DISCORD_SHARDS (${total}): run at most ${Math.ceil(total / size)} groups.`,
    ];
  }
  return [];
}

/**
 * The shards this machine runs: DISCORD_SHARD_IDS, or the DISCORD_SHARD_GROUP's consecutive run, or
 * all of `totalShards`. The configuration was checked against the total by parseConfig.
 */
export function machineShardIds(config: Config, totalShards: number): number[] {
  if (config.DISCORD_SHARD_IDS) return config.DISCORD_SHARD_IDS;
  const group = config.DISCORD_SHARD_GROUP;
  const size = config.DISCORD_SHARDS_PER_GROUP;
  if (group !== undefined && size !== undefined) {
    const first = group * size;
    return Array.from({ length: Math.min(size, totalShards - first) }, (_, i) => first + i);
  }
  return Array.from({ length: totalShards }, (_, id) => id);
}
