import { z } from "zod";
import { env, variable } from "../variable.ts";

const shardCount = z.preprocess(
  (value) => (typeof value === "string" ? value.trim().toLowerCase() : value),
  z.union([z.literal("auto"), z.coerce.number().int().min(1).max(100_000)], {
    error: 'expected "auto" or a whole number of shards (1 or more)',
  }),
);

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
};
