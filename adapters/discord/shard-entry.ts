import { ExitCode, type RunningBot, runBot } from "../../src/bot/run.ts";
import type { ReadinessReport } from "../../src/observability/health-server.ts";
import type { PlatformAdapter } from "../registry.ts";
import { createDiscordAdapter, isDiscordConfigured } from "./index.ts";

/**
 * One shard process of `npm run start:sharded` (src/sharded.ts forks one per shard). discord.js reads
 * the shard id and count from the SHARDS and SHARD_COUNT variables the ShardingManager sets, so the
 * ordinary Discord adapter connects as that shard. The process builds its own services and Redis
 * stores (REDIS_URL), which is how shards share history, the answer cache, dedupe and rate limits.
 * It serves no HTTP: the manager owns PORT and asks each shard for readiness and metrics over IPC.
 */

/** The manager asks a shard for its state; `metrics` adds the Prometheus registry as JSON. */
export interface ShardReportRequest {
  type: "bot:report-request";
  id: number;
  include: "readiness" | "metrics";
}

/** A shard's answer to a `ShardReportRequest` with the same id. */
export interface ShardReport {
  type: "bot:report";
  id: number;
  checks: ReadinessReport;
  /** `registry.getMetricsAsJSON()`, for prom-client's `AggregatorRegistry.aggregate`. */
  metrics?: object[];
}

function isReportRequest(value: unknown): value is ShardReportRequest {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "bot:report-request" &&
    typeof (value as { id?: unknown }).id === "number"
  );
}

if (!process.send) {
  process.stderr.write(
    "adapters/discord/shard-entry.ts is one shard of `npm run start:sharded`; start that instead " +
      "(or `npm start` for a single process).\n",
  );
  process.exit(ExitCode.config);
}

const discord: PlatformAdapter = {
  name: "Discord",
  credentials: "DISCORD_TOKEN",
  isConfigured: isDiscordConfigured,
  create: (services) => createDiscordAdapter(services),
};

let bot: RunningBot | undefined;

// Registered before the bot starts, so a probe during start-up gets "not ready" rather than silence.
process.on("message", (request: unknown) => {
  if (!isReportRequest(request)) return; // discord.js's own messages (_eval, _fetchProp, ...)
  void report(request);
});

async function report(request: ShardReportRequest): Promise<void> {
  const checks = bot?.readiness() ?? { discord: false };
  const metrics =
    request.include === "metrics" && bot ? await bot.metrics.registry.getMetricsAsJSON() : undefined;
  const answer: ShardReport = { type: "bot:report", id: request.id, checks, ...(metrics ? { metrics } : {}) };
  process.send?.(answer, (error: Error | null) => {
    if (error) bot?.logger.debug({ err: error.message }, "could not report to the shard manager");
  });
}

// discord.js reports shard state with process.send; once the manager is gone that fails with an
// 'error' event on process, which would otherwise crash a shard in the middle of its shutdown.
process.on("error", (error) => {
  bot?.logger.debug({ err: error.message }, "IPC channel to the shard manager failed");
});

// A manager that died (or was killed) leaves the shard unsupervised: drain and exit instead of keeping
// a gateway session nobody can stop.
let orphaned = false;
process.once("disconnect", () => {
  orphaned = true;
  void bot?.shutdown("shard manager gone");
});

const shard = Number(process.env.SHARDS ?? Number.NaN);
bot = await runBot({
  platforms: [discord],
  serveHealth: false,
  logBindings: { shard: Number.isInteger(shard) ? shard : String(process.env.SHARDS) },
});
if (orphaned) await bot.shutdown("shard manager gone");
