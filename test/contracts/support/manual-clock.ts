import type { Clock } from "../../../src/llm/clock.ts";

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/** Lets queued promise callbacks (and, for networked stores, a round trip or two) run. */
export type Settle = () => Promise<void>;

export const settleMicrotasks: Settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/**
 * A clock that moves only when a test says so. Sleepers wake in time order, and each wake-up is
 * allowed to settle before time moves on, so code that sleeps again sees the time it expects.
 */
export class ManualClock implements Clock {
  private time: number;
  private readonly sleepers: Sleeper[] = [];

  constructor(
    start = 1_700_000_000_000,
    private readonly settle: Settle = settleMicrotasks,
  ) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const sleeper: Sleeper = {
        wakeAt: this.time + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.remove(sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Pending sleeps; lets a test check that something is waiting rather than done. */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await this.settle();
    for (;;) {
      const due = this.sleepers.filter((s) => s.wakeAt <= target).sort((a, b) => a.wakeAt - b.wakeAt)[0];
      if (!due) break;
      this.time = Math.max(this.time, due.wakeAt);
      this.remove(due);
      due.resolve();
      await this.settle();
    }
    this.time = target;
    await this.settle();
  }

  private remove(sleeper: Sleeper): void {
    const index = this.sleepers.indexOf(sleeper);
    if (index >= 0) this.sleepers.splice(index, 1);
  }
}
