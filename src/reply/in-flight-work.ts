import { setMaxListeners } from "node:events";
import { setTimeout as delay } from "node:timers/promises";

/**
 * The answers an adapter is working on, so that a stop can let them finish. `drain` waits for them
 * up to a deadline, then aborts `stopping`, which every answer listens to: what still streams ends
 * with the short "cut off" note instead of being left half-written. One tracker for every platform.
 */
export class InFlightWork {
  private readonly running = new Set<Promise<void>>();
  private readonly stop = new AbortController();

  constructor() {
    // Every answer in flight listens for the stop; dozens at once are normal, not a leak.
    setMaxListeners(0, this.stop.signal);
  }

  /** Aborted once the drain deadline passes. */
  get stopping(): AbortSignal {
    return this.stop.signal;
  }

  /** Runs `work` tracked; its failure goes to `onError` and never escapes. */
  run(work: () => Promise<void>, onError: (error: unknown) => void): void {
    const task = work()
      .catch(onError)
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves once nothing is running (work started meanwhile included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /**
   * Lets running work finish for up to `deadlineMs`, then aborts `stopping` and waits up to
   * `graceMs` more for the short endings to be written.
   */
  async drain(deadlineMs: number, graceMs = 2000): Promise<void> {
    await Promise.race([this.idle(), delay(deadlineMs, undefined, { ref: false })]);
    if (this.running.size === 0) return;
    this.stop.abort();
    await Promise.race([this.idle(), delay(graceMs, undefined, { ref: false })]);
  }
}
