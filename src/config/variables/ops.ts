import { z } from "zod";
import { env, variable } from "../variable.ts";

const shardCount = z.preprocess(
  (value) => (typeof value === "string" ? value.trim().toLowerCase() : value),
  z.union([z.literal("auto"), z.coerce.number().int().min(1).max(100_000)], {
    error: 'expected "auto" or a whole number of shards (1 or more)',
  }),
);

/** Largest range one entry may expand to: DISCORD_SHARDS allows at most 100,000 shards. */
const maxShardId = 99_999;

/** `0-7,16` → [0, 1, …, 7, 16]: comma- or space-separated ids and inclusive ranges, sorted, no repeats. */
export function parseShardIds(text: string): number[] | { error: string } {
  const ids = new Set<number>();
  // Errors name an entry by its position, never by its text: a secret pasted here must not be echoed.
  for (const [index, item] of text
    .split(/[\s,]+/)
    .filter(Boolean)
    .entries()) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(item);
    const first = Number(match?.[1]);
    const last = match?.[2] === undefined ? first : Number(match[2]);
    if (!match || first > maxShardId || last > maxShardId) {
      return { error: `entry ${index + 1} is not a shard id (0 to ${maxShardId}) or a range such as 0-7` };
    }
    if (last < first) return { error: `entry ${index + 1} is a range that runs backwards` };
    for (let id = first; id <= last; id++) ids.add(id);
  }
  if (ids.size === 0) return { error: "expected shard ids or ranges such as 0-7,16" };
  return [...ids].sort((a, b) => a - b);
}

const shardIds = z.string().transform((text, ctx) => {
  const parsed = parseShardIds(text);
  if (Array.isArray(parsed)) return parsed;
  ctx.issues.push({ code: "custom", message: parsed.error, input: text });
  return z.NEVER;
});

export const opsVariables = {
  REDIS_URL: variable(
    z.url({ protocol: /^rediss?$/, error: "expected a redis:// or rediss:// URL" }).optional(),
    {
      description:
        "Redis for shared state (history, answer cache, dedupe, rate limits, settings, usage) so several processes act as one bot; in memory when unset. The bot exits at start if Redis is unreachable.",
      // May carry a password (redis://:secret@host:6379): never printed or logged.
      secret: true,
      example: "redis://localhost:6379",
    },
  ),
  SECRETS_WATCH_INTERVAL_MS: variable(env.int(0, 3_600_000).default(10_000), {
    description:
      "How often the files named by <NAME>_FILE variables are checked for a change (Kubernetes updates mounted secrets in place); a change reloads the secrets like SIGHUP. 0 = only on SIGHUP.",
  }),
  SHUTDOWN_TIMEOUT_MS: variable(env.int(0, 600_000).default(10_000), {
    description:
      "On SIGTERM/SIGINT, how long answers in flight may take to finish before the process exits anyway; keep it below the orchestrator's kill timeout.",
  }),
  DISCORD_SHARDS: variable(shardCount.default("auto"), {
    description:
      "Shard count for `npm run start:sharded` (Discord requires sharding from 2,500 guilds); `auto` asks Discord for the recommended count.",
  }),
  DISCORD_SHARD_IDS: variable(shardIds.optional(), {
    description:
      "The shards this machine's `npm run start:sharded` runs, as ids and ranges (`0-7,16`), when several machines share one bot's shards; each machine runs a disjoint part, all with the same DISCORD_SHARDS (a number, the total) and REDIS_URL. Unset: all shards. The machine holding shard 0 registers the slash commands.",
    example: "0-7",
  }),
  DISCORD_SHARD_GROUP: variable(env.int(0, maxShardId).optional(), {
    description:
      "Instead of DISCORD_SHARD_IDS: this machine runs group N of DISCORD_SHARDS_PER_GROUP consecutive shards (N × size to N × size + size − 1, capped at DISCORD_SHARDS). Meant for a Kubernetes StatefulSet, which passes the pod's ordinal here (deploy/kubernetes).",
  }),
  DISCORD_SHARDS_PER_GROUP: variable(env.int(1, 100_000).optional(), {
    description: "How many consecutive shards each DISCORD_SHARD_GROUP runs.",
  }),
};
