import type { BotMetrics } from "../../../src/monitoring/metrics.ts";

/** Metric samples by `name{label="value",…}` (labels sorted), as Prometheus would scrape them. */
export type MetricSnapshot = Map<string, number>;

export async function snapshot(metrics: BotMetrics): Promise<MetricSnapshot> {
  const samples: MetricSnapshot = new Map();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const name = (value as { metricName?: string }).metricName ?? metric.name;
      samples.set(sampleKey(name, value.labels as Record<string, string | number>), value.value);
    }
  }
  return samples;
}

export function sampleKey(name: string, labels: Record<string, string | number> = {}): string {
  const inner = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}="${value}"`)
    .join(",");
  return `${name}{${inner}}`;
}

/**
 * What changed between two snapshots of the counters a fault should move: answers by result, upstream
 * attempts by outcome, retries, rate limits, messages taken in and answers timed. Zero changes are left out.
 */
export function counterChanges(before: MetricSnapshot, after: MetricSnapshot): Record<string, number> {
  const watched = [
    "bot_answers_total",
    "bot_llm_requests_total",
    "bot_llm_retries_total",
    "bot_llm_rate_limited_total",
    "bot_messages_total",
    "bot_answer_duration_seconds_count",
  ];
  const changes: Record<string, number> = {};
  for (const [key, value] of after) {
    if (!watched.some((name) => key.startsWith(`${name}{`))) continue;
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) changes[key] = delta;
  }
  return changes;
}
