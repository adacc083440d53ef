import type { FairnessKey } from "./fair-queue.ts";
import type { RateLimitSnapshot } from "./rate-limit-headers.ts";

export interface AcquireOptions {
  signal?: AbortSignal;
  /**
   * Absolute clock time after which waiting is pointless: acquire rejects with `QuotaWaitTooLong` at
   * once when the estimated wait passes it, or when it passes while queued.
   */
  deadline?: number;
  /** Whose question this is, for fair queuing; defaults to the one set by `fairnessScope.run`. */
  fairness?: FairnessKey;
}

export interface RateLimitPermit {
  /** Frees the concurrency slot; `actualTokens` corrects the estimate taken from the token budget. */
  release(actualTokens?: number): void;
}

export interface RateLimiterStats {
  inFlight: number;
  queued: number;
  coolDownMs: number;
  /** Requests let through so far, and their summed wait in the queue (ms). */
  admitted: number;
  queueWaitMs: number;
  /** Requests refused at once because their wait would pass their deadline. */
  refused: number;
  /** The concurrency limit now: the configured one, or less after 429s without rate headers. */
  concurrencyLimit: number;
}

/**
 * Paces upstream requests for a whole process (or, in Redis, for all replicas sharing one API quota):
 * continuously refilled request and token buckets (configured, and learned from response headers),
 * one shared cool-down after a 429 so queued requests wait together instead of each hammering the
 * API, a concurrency cap as a safety valve (adapting to 429s when nothing tells the limits), and a
 * fair queue (round-robin by workspace, then user) with bounded waits.
 */
export interface RateLimiter {
  acquire(estimatedTokens: number, options?: AcquireOptions): Promise<RateLimitPermit>;
  /** Nothing may be sent before `until` (absolute clock ms). */
  coolDown(until: number): Promise<void>;
  /**
   * Limits reported by a successful response to the request holding `permit`. With the permit, the
   * limiter can count the requests sent after that one, which the report cannot include yet.
   */
  observe(snapshot: RateLimitSnapshot, permit?: RateLimitPermit): Promise<void>;
  stats(): RateLimiterStats;
}

/** The wait the limits force is longer than the caller may wait. */
export class QuotaWaitTooLong extends Error {
  constructor(readonly waitMs: number) {
    super(`rate limit wait of ${Math.round(waitMs)} ms exceeds the deadline`);
    this.name = "QuotaWaitTooLong";
  }
}

/** A permit whose release runs once, however often it is called (a finally and an error path may both call it). */
export function permitReleasedOnce(release: (actualTokens?: number) => void): RateLimitPermit {
  let released = false;
  return {
    release: (actualTokens) => {
      if (released) return;
      released = true;
      release(actualTokens);
    },
  };
}
