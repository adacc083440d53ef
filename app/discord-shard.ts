import { serveManagerRequests } from "../adapters/discord/sharding/shard.ts";
import { ExitCode } from "../src/index.ts";
import { discordPlatform } from "./platforms.ts";
import { type RunningBot, runBot } from "./run-bot.ts";

/**
 * One shard process of `npm run start:sharded` (app/sharded.ts forks one per shard). discord.js reads
 * the shard id and count from the SHARDS and SHARD_COUNT variables the ShardingManager sets, so the
 * ordinary Discord adapter connects as that shard. The process builds its own services and Redis
 * stores (REDIS_URL), which is how shards share history, the answer cache, dedupe and rate limits.
 * It serves no HTTP: the manager owns PORT and asks each shard for readiness and metrics over IPC.
 */
if (!process.send) {
  process.stderr.write(
    "app/discord-shard.ts is one shard of `npm run start:sharded`; start that instead " +
      "(or `npm start` for a single process).\n",
  );
  process.exit(ExitCode.config);
}

let bot: RunningBot | undefined;
const manager = serveManagerRequests(() =>
  bot
    ? {
        readiness: bot.readiness,
        metricsJson: () => (bot as RunningBot).metrics.registry.getMetricsAsJSON(),
        logger: bot.logger,
        shutdown: bot.shutdown,
      }
    : undefined,
);

const shard = Number(process.env.SHARDS ?? Number.NaN);
bot = await runBot({
  platforms: [discordPlatform],
  serveHealth: false,
  logBindings: { shard: Number.isInteger(shard) ? shard : String(process.env.SHARDS) },
});
if (manager.orphaned()) await bot.shutdown("shard manager gone");
