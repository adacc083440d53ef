import type { Shard, ShardingManager } from "discord.js";
import { AggregatorRegistry, Gauge, Registry } from "prom-client";
import type { ShardReport, ShardReportRequest } from "./protocol.ts";

/** How long the manager waits for a shard's answer before counting it as not ready. */
const reportTimeoutMs = 1500;

/**
 * The manager's side of the IPC questions: each shard answers readiness and metrics requests, and
 * the answers are combined into one /readyz and one /metrics for the whole bot.
 */
export class ShardReports {
  private nextRequest = 0;
  private readonly waiting = new Map<number, (report: ShardReport) => void>();
  // The manager's own series; the shards' are summed (process metrics too: totals over all processes).
  private readonly registry = new Registry();

  constructor(
    private readonly manager: ShardingManager,
    /** The shards this manager runs: all of them, or this machine's part (DISCORD_SHARD_IDS). */
    private readonly shardIds: readonly number[],
    private readonly stopping: () => boolean,
  ) {
    new Gauge({
      name: "bot_discord_shards",
      help: "Discord shards of this manager, by state (ready or not_ready).",
      labelNames: ["state"] as const,
      registers: [this.registry],
      collect() {
        const ready = [...manager.shards.values()].filter((shard) => shard.ready).length;
        this.set({ state: "ready" }, ready);
        this.set({ state: "not_ready" }, shardIds.length - ready);
      },
    });
  }

  /** A message from a shard process; discord.js's own messages are ignored. */
  receive(message: unknown): void {
    const report = message as Partial<ShardReport> | null;
    if (report?.type !== "bot:report" || typeof report.id !== "number") return;
    this.waiting.get(report.id)?.(report as ShardReport);
  }

  /** Every shard's readiness; a shard not spawned, not answering or not ready is false. */
  async readiness(): Promise<Record<string, boolean>> {
    const shards = [...this.manager.shards.values()];
    const reports = await Promise.all(shards.map((shard) => this.ask(shard, "readiness")));
    const checks: Record<string, boolean> = {};
    shards.forEach((shard, index) => {
      const report = reports[index];
      checks[`shard-${shard.id}`] =
        !this.stopping() &&
        shard.ready &&
        report !== undefined &&
        Object.values(report.checks).every(Boolean);
    });
    for (const id of this.shardIds) checks[`shard-${id}`] ??= false; // not spawned yet
    return checks;
  }

  /** The shards' metrics summed, with the manager's own. */
  async metrics(): Promise<{ contentType: string; body: string }> {
    const shards = [...this.manager.shards.values()];
    const reports = await Promise.all(shards.map((shard) => this.ask(shard, "metrics")));
    const perShard = reports.flatMap((report) => (report?.metrics ? [report.metrics] : []));
    for (const metrics of perShard) {
      for (const metric of metrics as { name?: string; aggregator?: string }[]) {
        // Redis is up for the bot only if every shard reaches it.
        if (metric.name === "bot_redis_up") metric.aggregator = "min";
      }
    }
    const registry = AggregatorRegistry.aggregate([...perShard, await this.registry.getMetricsAsJSON()]);
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  private ask(shard: Shard, include: ShardReportRequest["include"]): Promise<ShardReport | undefined> {
    if (!shard.process) return Promise.resolve(undefined);
    const id = this.nextRequest++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, reportTimeoutMs);
      this.waiting.set(id, (report) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(report);
      });
      const request: ShardReportRequest = { type: "bot:report-request", id, include };
      shard
        .send(request)
        .catch(() => this.waiting.get(id)?.({ type: "bot:report", id, checks: { ipc: false } }));
    });
  }
}
