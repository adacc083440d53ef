import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { REST, Routes, type Shard, ShardingManager } from "discord.js";
import {
  type Config,
  ExitCode,
  type Logger,
  machineShardIds,
  type RunningHealthServer,
  startHealthServer,
} from "../../../src/index.ts";
import { identifyWaves } from "./identify-waves.ts";
import { ShardReports } from "./shard-reports.ts";

/** The part of GET /gateway/bot this manager uses. */
interface GatewayBotInfo {
  shards: number;
  session_start_limit: { remaining: number; max_concurrency: number };
}

/** Discord allows one IDENTIFY per 5 s per rate-limit bucket (shard id % max_concurrency). */
const identifyWindowMs = 5500;
const spawnTimeoutMs = 60_000;
const respawnDelayMs = { first: 1000, max: 60_000 };
export interface ShardManagerOptions {
  config: Config;
  logger: Logger;
  /** The script each shard process runs: it starts the bot with the Discord adapter alone. */
  shardEntry: string;
}

/**
 * `npm run start:sharded`: discord.js's ShardingManager forks one process per Discord shard; the
 * shards share state through Redis. This process only supervises them (respawning with a back-off)
 * and serves /healthz, /readyz and /metrics on PORT for all of them, asking each shard over IPC.
 * Start-up problems print one clear line and exit with an `ExitCode`.
 */
export async function runShardManager(options: ShardManagerOptions): Promise<void> {
  const { config, shardEntry } = options;
  const logger = options.logger.child({ component: "shard-manager" });
  const token = config.DISCORD_TOKEN;
  if (!token) {
    process.stderr.write(
      "`npm run start:sharded` runs Discord shards: set DISCORD_TOKEN (see .env.example).\n",
    );
    process.exit(ExitCode.config);
  }
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, "unhandled rejection");
  });

  /** Asks Discord (or DISCORD_API_URL) for the recommended shard count and the identify concurrency. */
  async function fetchGatewayInfo(botToken: string): Promise<GatewayBotInfo> {
    try {
      const rest = new REST({ api: config.DISCORD_API_URL }).setToken(botToken);
      return (await rest.get(Routes.gatewayBot())) as GatewayBotInfo;
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      process.stderr.write(
        status === 401
          ? "Discord rejected DISCORD_TOKEN. Copy the bot token again (Developer Portal → your app → Bot → Reset Token).\n"
          : `Could not ask Discord for the shard count: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(ExitCode.startFailed);
    }
  }

  const gateway = await fetchGatewayInfo(token);
  const totalShards = config.DISCORD_SHARDS === "auto" ? Math.max(1, gateway.shards) : config.DISCORD_SHARDS;
  // This machine's part when several machines share the shards (validated against the total at config time).
  const shardList = machineShardIds(config, totalShards);
  const maxConcurrency = Math.max(1, gateway.session_start_limit.max_concurrency);
  if (gateway.session_start_limit.remaining < shardList.length) {
    logger.warn(
      { remaining: gateway.session_start_limit.remaining, shards: shardList.length },
      "fewer session starts left than shards: some shards cannot connect until Discord resets the limit",
    );
  }
  if (config.SLACK_BOT_TOKEN) {
    logger.warn(
      "start:sharded runs Discord only; run Slack as separate `npm start` replicas without DISCORD_TOKEN",
    );
  }

  const manager = new ShardingManager(shardEntry, {
    totalShards,
    shardList,
    token,
    mode: "process",
    // Respawning is ours (below): with a back-off, where discord.js would restart a failing shard at once.
    respawn: false,
    // TypeScript sources need tsx's loader; the compiled build (dist/, in the image) runs on node alone.
    execArgv: shardEntry.endsWith(".ts") ? ["--import", "tsx"] : [],
  });

  let stopping = false;
  /** Shards that were ready at least once: those are respawned when they die; the others failed to start. */
  const readyOnce = new Set<number>();
  const lastExit = new Map<number, number | string | null>();
  const respawnTimers = new Map<number, NodeJS.Timeout>();
  const failures = new Map<number, number>();

  const reports = new ShardReports(manager, shardList, () => stopping);

  // ---- supervision ----
  function supervise(shard: Shard): void {
    shard.on("message", (message: unknown) => reports.receive(message));
    shard.on("spawn", () => {
      const child = shard.process;
      if (stopping)
        child?.kill("SIGTERM"); // spawned while shutting down: stop it straight away
      else logger.info({ shard: shard.id, pid: child?.pid }, "shard process started");
    });
    shard.on("ready", () => {
      readyOnce.add(shard.id);
      failures.delete(shard.id);
      logger.info({ shard: shard.id }, "shard ready");
    });
    shard.on("disconnect", () => logger.warn({ shard: shard.id }, "shard disconnected from Discord"));
    shard.on("reconnecting", () => logger.info({ shard: shard.id }, "shard reconnecting"));
    shard.on("error", (error: Error) => logger.error({ shard: shard.id, err: error.message }, "shard error"));
    shard.on("death", (child) => {
      // mode "process": always a ChildProcess, never a Worker
      const exit = "exitCode" in child ? (child.exitCode ?? child.signalCode) : null;
      lastExit.set(shard.id, exit);
      if (stopping) return;
      if (!readyOnce.has(shard.id)) return; // its start-up spawn rejects, and that stops the manager
      const count = (failures.get(shard.id) ?? 0) + 1;
      failures.set(shard.id, count);
      const delay = Math.min(respawnDelayMs.max, respawnDelayMs.first * 2 ** (count - 1));
      logger.error({ shard: shard.id, exit, respawnInMs: delay }, "shard process exited; respawning");
      respawnTimers.set(
        shard.id,
        setTimeout(() => {
          respawnTimers.delete(shard.id);
          if (stopping) return;
          shard.spawn(spawnTimeoutMs).catch((error: unknown) => {
            logger.warn({ shard: shard.id, err: String(error) }, "respawned shard did not become ready");
          });
        }, delay),
      );
    });
  }
  manager.on("shardCreate", supervise);

  async function stopShards(): Promise<void> {
    for (const timer of respawnTimers.values()) clearTimeout(timer);
    const children = [...manager.shards.values()].flatMap((shard) => (shard.process ? [shard.process] : []));
    const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
    const exited = Promise.all(running.map((child) => once(child, "exit")));
    for (const child of running) child.kill("SIGTERM");
    // Each shard drains for SHUTDOWN_TIMEOUT_MS; one that hangs beyond is killed.
    const deadline = setTimeout(() => {
      for (const child of running) if (child.exitCode === null) child.kill("SIGKILL");
    }, config.SHUTDOWN_TIMEOUT_MS + 5000);
    await exited;
    clearTimeout(deadline);
  }

  let health: RunningHealthServer | undefined;

  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: stopping the shards; they let answers in flight finish");
    await stopShards();
    await health?.close();
    logger.info("stopped");
    process.exit(ExitCode.ok);
  }
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  // Reload secrets: the shards hold them; the manager passes the signal on (without a listener, SIGHUP
  // would end the manager and with it every shard).
  process.on("SIGHUP", () => {
    const shards = [...manager.shards.values()].filter((shard) => shard.process?.exitCode === null);
    for (const shard of shards) shard.process?.kill("SIGHUP");
    logger.info({ shards: shards.map((shard) => shard.id) }, "SIGHUP passed on to the shards");
  });

  try {
    health = await startHealthServer({
      port: config.PORT,
      readiness: () => reports.readiness(),
      metrics: { render: () => reports.metrics() },
    });
  } catch (error) {
    process.stderr.write(
      `Could not serve the health endpoints on PORT ${config.PORT}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(ExitCode.startFailed);
  }

  /**
   * The shards of one wave (one per identify bucket) start together; the next wave waits for them and
   * for Discord's 5 s identify window. Machines that share a bot's shards do not coordinate this:
   * start them a few seconds apart (discord.js retries an identify Discord refuses).
   */
  async function spawnShards(): Promise<void> {
    const waves = identifyWaves(shardList, maxConcurrency);
    for (const [index, wave] of waves.entries()) {
      const started = Date.now();
      await Promise.all(wave.map((id) => manager.createShard(id).spawn(spawnTimeoutMs)));
      const more = index < waves.length - 1;
      if (more && !stopping) await sleep(Math.max(0, identifyWindowMs - (Date.now() - started)));
      if (stopping) return;
    }
  }

  logger.info({ totalShards, shards: shardList, maxConcurrency }, "starting Discord shards");
  try {
    await spawnShards();
    if (!stopping) logger.info({ totalShards, shards: shardList }, "all shards ready");
  } catch (error) {
    if (!stopping) {
      // A shard that cannot start (bad configuration, Redis unreachable, token refused) would fail the
      // same way again: stop everything and let the supervisor decide, rather than loop.
      const failed = [...lastExit.values()].find((code) => typeof code === "number" && code !== 0);
      logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        "a shard failed to start",
      );
      process.stderr.write(
        `Could not start the Discord shards: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      stopping = true;
      await stopShards();
      await health?.close();
      process.exit(typeof failed === "number" ? failed : ExitCode.startFailed);
    }
  }
}
