import type { Logger } from "../../src/index.ts";
import type { RejectionReason } from "./request-guard.ts";

/** At most one warning line per this interval, however many requests are refused. */
export const REJECTION_LOG_INTERVAL_MS = 60_000;

export interface RejectionLogOptions {
  logger: Logger;
  /** Counts every refusal (the metric), unlike the log. */
  count?: (reason: RejectionReason) => void;
  intervalMs?: number;
  now?: () => number;
}

/**
 * Refused requests to /slack/events: anyone on the internet can send them, so one log line each would
 * let them flood the log. Every refusal is counted; a warning goes out at most once per interval and
 * says how many of each reason were refused since the last one.
 */
export class RejectionLog {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private pending = new Map<RejectionReason, number>();

  constructor(private readonly options: RejectionLogOptions) {
    this.intervalMs = options.intervalMs ?? REJECTION_LOG_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  readonly record = (reason: RejectionReason): void => {
    this.options.count?.(reason);
    this.pending.set(reason, (this.pending.get(reason) ?? 0) + 1);
    const at = this.now();
    if (at - this.lastLoggedAt < this.intervalMs) return;
    this.lastLoggedAt = at;
    const refused = Object.fromEntries(this.pending);
    this.pending = new Map();
    this.options.logger.warn(
      { refused, intervalSeconds: this.intervalMs / 1000 },
      "slack requests refused before reading them (counts since the last such line)",
    );
  };
}
