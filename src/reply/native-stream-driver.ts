import type { NativeStream } from "./surface.ts";

/** What one round through the platform's own streaming did. */
export type NativeRound =
  /** Written (or nothing new to write); `wrote` counts as a text write. */
  | { kind: "handled"; wrote: boolean }
  /** Too soon after the last append: `wait` was called with when to try again. */
  | { kind: "wait" }
  /** The text no longer continues the stream (or outgrew it): post and edit from here on. */
  | { kind: "fallback" };

/**
 * Drives one `NativeStream`: the first text starts it, later text is appended at most once per
 * interval, and the final text stops it when it continues what was streamed. Text can only be
 * added, so anything else hands the answer back to posting and editing, after taking the streamed
 * message back. A platform refusal surfaces as a rejected round.
 */
export class NativeStreamDriver {
  private sent = "";
  private started = false;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly stream: NativeStream,
    private readonly intervalMs: number,
    /** Runs once the stream has started: what was shown while waiting gives way to it. */
    private readonly onStarted: () => Promise<void>,
  ) {}

  /** The streamed message's id, once started. */
  get messageId(): string | undefined {
    return this.started ? this.stream.messageId : undefined;
  }

  /**
   * `wait` is called synchronously, before the round's first await, so that a timer it sets is in
   * place before anything else can move the clock.
   */
  async round(
    text: string,
    final: boolean,
    now: number,
    wait: (until: number) => void,
  ): Promise<NativeRound> {
    const continues = text.startsWith(this.sent) && text.length <= this.stream.maxLength;
    if (final && continues && this.started) {
      await this.stream.stop(text.slice(this.sent.length));
      return { kind: "handled", wrote: false };
    }
    if (final || !continues) {
      await this.remove();
      return { kind: "fallback" };
    }
    const pending = text.slice(this.sent.length);
    if (pending === "") return { kind: "handled", wrote: false };
    const dueAt = this.lastAt + this.intervalMs;
    if (this.started && now < dueAt) {
      wait(dueAt);
      return { kind: "wait" };
    }
    if (this.started) await this.stream.append(pending);
    else {
      await this.stream.start(pending);
      this.started = true;
      await this.onStarted();
    }
    this.sent = text;
    this.lastAt = now;
    return { kind: "handled", wrote: true };
  }

  /** Takes the streamed message back, if there is one. */
  async remove(): Promise<void> {
    if (this.started) await this.stream.remove();
    this.started = false;
  }
}
