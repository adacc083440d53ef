import type { QuotaState } from "./rate-limit-headers.ts";

/** OpenAI's limits are per minute; the refill period until the headers have shown the real one. */
export const DEFAULT_PERIOD_MS = 60_000;
/** A long period estimate fades over about this long when reports stop confirming it. */
const PERIOD_MEMORY_MS = 600_000;
/**
 * A report's reset is counted from a moment somewhere between sending and the headers' arrival, so it
 * is off by up to that time: it tells the rate only when it is much longer. Without that time known,
 * a reset under a second says too little.
 */
const RESET_PER_HEADER_DELAY = 10;
const MIN_RESET_FOR_RATE_MS = 1000;

/**
 * A quota learned from x-ratelimit-limit/remaining/reset headers, modelled as OpenAI keeps it: a bucket
 * of `limit` refilled continuously, full again at the reported reset (`x-ratelimit-reset-requests:
 * 17ms` = one request back in 17 ms). The refill period (time for an empty bucket to fill) is learned
 * from the headers too, as limit x reset / used (from reports whose reset is long against the wait for
 * the headers, which blurs it), keeping the slowest estimate of the last minutes: a
 * provider with fixed windows (nothing back until the reset) then shows a long period, so it is not
 * over-sent, and the bucket still jumps to full at the reported reset. Without a limit header the
 * size is unknown: nothing refills until the reset, and after it nothing is known to block.
 */
export class LearnedBucket {
  private capacity: number | undefined;
  private level: number;
  private updatedAt: number;
  private periodMs: number | undefined;
  private periodAt = 0;
  /** When the last report said the bucket would be full if nothing more were taken. */
  private fullAt: number | undefined;
  /** Taken since that report (its correction for later requests included). */
  private takenSince = 0;
  private lastSequence = Number.NEGATIVE_INFINITY;
  /** The refill period the last report implied (limit x reset / used): the fastest plausible one. */
  private impliedPeriodMs: number | undefined;
  /** After a 429: when the server said to come back; one request may go then. */
  private probeAt: number | undefined;

  constructor(report: QuotaState, sentAfter: number, now: number, sequence?: number, headerDelayMs?: number) {
    this.capacity = report.limit;
    this.level = report.remaining - sentAfter;
    this.updatedAt = now;
    this.learn(report, now, headerDelayMs);
    this.fullAt = latestReset(report, headerDelayMs);
    this.takenSince = sentAfter;
    if (sequence !== undefined) this.lastSequence = sequence;
  }

  /** The limit, when the headers told it. */
  get size(): number | undefined {
    return this.capacity;
  }

  /** Time for an empty bucket to fill, as far as the headers told. */
  get period(): number {
    return this.periodMs ?? DEFAULT_PERIOD_MS;
  }

  /**
   * A response's report. `sentAfter` = requests sent after the reported one, which the report cannot
   * include yet. A newer report replaces the count; an older or unordered one can only lower it.
   */
  observe(
    report: QuotaState,
    sentAfter: number,
    now: number,
    sequence?: number,
    headerDelayMs?: number,
  ): void {
    this.refill(now);
    if (report.limit !== undefined) this.capacity = report.limit;
    this.learn(report, now, headerDelayMs);
    // A slow response can describe a moment whose bucket has been full again since.
    if (report.resetAt <= now) return;
    const reported = report.remaining - sentAfter;
    const newer = sequence !== undefined && sequence > this.lastSequence;
    if (!newer && reported >= this.level) return;
    if (sequence !== undefined) this.lastSequence = Math.max(this.lastSequence, sequence);
    this.level = reported;
    this.fullAt = latestReset(report, headerDelayMs);
    this.takenSince = sentAfter;
  }

  /** Milliseconds until `amount` is there (0 = now); more than the capacity waits for a full bucket. */
  waitFor(amount: number, now: number): number {
    return this.timeFor(Math.min(amount, this.capacity ?? amount), now);
  }

  /**
   * Milliseconds until `amount` in total could have been taken, beyond the capacity too. `estimate`:
   * for telling a wait rather than pacing, take the faster of the learned rate and the one the last
   * report implies (full at its reset), so a fixed-window provider's slow-looking rate does not
   * refuse questions that its next window will serve.
   */
  timeFor(amount: number, now: number, estimate = false): number {
    this.refill(now);
    const missing = amount - this.level;
    if (missing <= 0) return 0;
    const capacity = this.capacity;
    if (capacity === undefined) return this.fullAt === undefined ? 0 : Math.max(0, this.fullAt - now);
    let period = estimate ? Math.min(this.period, this.impliedPeriodMs ?? this.period) : this.period;
    // For an estimate, the server's "come back at" after a 429 stands for a reset too.
    const fullAt = this.fullAt ?? (estimate ? this.probeAt : undefined);
    if (estimate && fullAt !== undefined && this.level < capacity) {
      period = Math.min(period, ((fullAt - now) * capacity) / (capacity - this.level));
    }
    const refillMs = (units: number) => Math.ceil((units * period) / Math.max(1, capacity));
    let wait = refillMs(missing);
    if (fullAt !== undefined) {
      const afterReset = Math.max(0, amount - Math.max(1, capacity - this.takenSince));
      wait = Math.min(wait, fullAt - now + refillMs(afterReset));
    }
    if (this.probeAt !== undefined && amount <= 1) wait = Math.min(wait, this.probeAt - now);
    return Math.max(0, wait);
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.level -= amount;
    this.takenSince += amount;
  }

  /**
   * A 429: whatever we counted, nothing is left now. Reports of requests sent before it (up to
   * `sequence`) are older news: they may only lower the count from here on.
   */
  exhaust(now: number, sequence?: number, retryAt?: number): void {
    this.refill(now);
    this.level = Math.min(this.level, 0);
    if (sequence !== undefined) this.lastSequence = Math.max(this.lastSequence, sequence);
    // When the server says to come back, one request may (and fetches a fresh report).
    if (retryAt !== undefined) this.probeAt = Math.max(this.probeAt ?? retryAt, retryAt);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    if (this.probeAt !== undefined && now >= this.probeAt) {
      this.level = Math.max(this.level, 1);
      this.probeAt = undefined;
    }
    if (this.capacity !== undefined) {
      this.level = Math.min(this.capacity, this.level + (elapsed * this.capacity) / this.period);
    }
    if (this.fullAt !== undefined && now >= this.fullAt) {
      // The provider said it would be full by now, less what we took since it said so; at least one
      // request may go then and fetch a fresh report (a fixed window is whole again, whatever we took).
      const full = this.capacity ?? Number.POSITIVE_INFINITY;
      this.level = Math.max(this.level, full - this.takenSince, 1);
      this.fullAt = undefined;
      this.takenSince = 0;
    }
  }

  /** `headerDelayMs`: from sending the reported request to its headers, when known. */
  private learn(report: QuotaState, now: number, headerDelayMs: number | undefined): void {
    const capacity = report.limit ?? this.capacity;
    if (capacity === undefined) return;
    const used = capacity - report.remaining;
    const resetMs = report.resetAt - now;
    if (used < 1 || !Number.isFinite(resetMs) || resetMs <= 0) return;
    this.impliedPeriodMs = (capacity * resetMs) / used;
    const minReset =
      headerDelayMs === undefined
        ? MIN_RESET_FOR_RATE_MS
        : Math.max(1, headerDelayMs) * RESET_PER_HEADER_DELAY;
    if (resetMs < minReset) return;
    const observed = (capacity * resetMs) / used;
    const remembered =
      this.periodMs === undefined ? 0 : this.periodMs * Math.exp(-(now - this.periodAt) / PERIOD_MEMORY_MS);
    this.periodMs = Math.max(observed, remembered);
    this.periodAt = now;
  }
}

/**
 * The server counted the reset from some moment between our send and its headers' arrival; the
 * report's time is taken halfway. Half the header delay later, the reset has surely passed: a whole
 * window sent at once then never lands in the old one (a busy process sees its headers late).
 */
function latestReset(report: QuotaState, headerDelayMs: number | undefined): number {
  return report.resetAt + (headerDelayMs ?? 0) / 2;
}
