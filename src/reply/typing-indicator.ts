import type { TimerClock } from "./clock.ts";

/**
 * A platform's "typing…", which lasts a few seconds (about 10 on Discord): shown at once, then
 * refreshed every `intervalMs` until stopped.
 */
export class TypingIndicator {
  private timer: unknown;

  constructor(
    private readonly show: () => Promise<void>,
    private readonly clock: TimerClock,
    private readonly intervalMs: number,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    const repeat = () => {
      this.show().catch(this.onFailure);
      this.timer = this.clock.setTimeout(repeat, this.intervalMs);
    };
    repeat();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
