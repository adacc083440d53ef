import { type LlmError, RateLimitedError, UpstreamUnavailableError } from "./errors.ts";

export interface RetryPolicyOptions {
  maxAttempts: number;
  /** Total time for one question, waits included. */
  deadlineMs: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/**
 * When to try again and how long to wait. A server hint is a floor, never shortened by jitter;
 * without one, exponential backoff with full jitter spreads replicas that failed together.
 */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly deadlineMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(options: RetryPolicyOptions) {
    this.maxAttempts = options.maxAttempts;
    this.deadlineMs = options.deadlineMs;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.random = options.random ?? Math.random;
  }

  /** Delay before attempt `attempt + 1`, or undefined when `error` must not be retried. */
  delayAfter(error: LlmError, attempt: number): number | undefined {
    if (!error.retryable || attempt >= this.maxAttempts) return undefined;
    const hint =
      error instanceof RateLimitedError || error instanceof UpstreamUnavailableError
        ? error.retryAfterMs
        : undefined;
    if (hint !== undefined) return hint;
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }
}
