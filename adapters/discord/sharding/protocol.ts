import type { ReadinessReport } from "../../../src/index.ts";

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

export function isReportRequest(value: unknown): value is ShardReportRequest {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "bot:report-request" &&
    typeof (value as { id?: unknown }).id === "number"
  );
}
