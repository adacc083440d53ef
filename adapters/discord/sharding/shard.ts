import type { Logger, ReadinessReport } from "../../../src/index.ts";
import { isReportRequest, type ShardReport, type ShardReportRequest } from "./protocol.ts";

/** What a shard process reports about itself once its bot is running. */
export interface ShardState {
  readiness(): ReadinessReport;
  metricsJson(): Promise<object[]>;
  logger: Logger;
  shutdown(reason: string): Promise<void>;
}

/**
 * The shard's side of the IPC channel to the manager: answers readiness and metrics requests, and
 * drains the bot when the manager disappears. Registered before the bot starts (`state()` is then
 * undefined), so a probe during start-up gets "not ready" rather than silence.
 */
export function serveManagerRequests(state: () => ShardState | undefined): { orphaned(): boolean } {
  process.on("message", (request: unknown) => {
    if (!isReportRequest(request)) return; // discord.js's own messages (_eval, _fetchProp, ...)
    void report(request);
  });

  async function report(request: ShardReportRequest): Promise<void> {
    const bot = state();
    const checks = bot?.readiness() ?? { discord: false };
    const metrics = request.include === "metrics" && bot ? await bot.metricsJson() : undefined;
    const answer: ShardReport = {
      type: "bot:report",
      id: request.id,
      checks,
      ...(metrics ? { metrics } : {}),
    };
    process.send?.(answer, (error: Error | null) => {
      if (error) state()?.logger.debug({ err: error.message }, "could not report to the shard manager");
    });
  }

  // discord.js reports shard state with process.send; once the manager is gone that fails with an
  // 'error' event on process, which would otherwise crash a shard in the middle of its shutdown.
  process.on("error", (error) => {
    state()?.logger.debug({ err: error.message }, "IPC channel to the shard manager failed");
  });

  // A manager that died (or was killed) leaves the shard unsupervised: drain and exit instead of
  // keeping a gateway session nobody can stop.
  let orphaned = false;
  process.once("disconnect", () => {
    orphaned = true;
    void state()?.shutdown("shard manager gone");
  });
  return { orphaned: () => orphaned };
}
