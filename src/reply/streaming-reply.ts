import { systemTimerClock, type TimerClock } from "./clock.ts";
import { NativeStreamDriver } from "./native-stream-driver.ts";
import { limitAnswerParts, PartRenderer } from "./part-renderer.ts";
import type { ReplySurface } from "./surface.ts";
import { TypingIndicator } from "./typing-indicator.ts";

export interface StreamingReplyOptions {
  /** Least time between two text writes of one message; edits are rate limited on every platform. */
  editIntervalMs: number;
  clock?: TimerClock;
  /** A typing indicator lasts about 10 s on Discord; it is refreshed at this interval until text. */
  typingIntervalMs?: number;
  /** Most messages the answer may become; past it, the last one ends with `cappedNote`. */
  maxMessages?: number;
  cappedNote?: string;
  /** Writes that failed without harm to the answer (typing, an interim edit), for a debug log. */
  onMinorFailure?: (error: unknown, what: "typing" | "interim write" | "cleanup") => void;
}

interface ShownMessage {
  id: string;
  content: string;
  /** When text was last written; a placeholder holds none, so the first text replaces it at once. */
  textWrittenAt: number;
}

/**
 * One answer on its way to a platform. Until the first words, the surface's pending indicator
 * (typing, or a placeholder message); then the text so far, each message written at most once per
 * `editIntervalMs` counted from its last text write, one write at a time and in order; then the
 * final text, which always lands: a message whose final edit is refused is posted anew and the stale
 * one removed, and messages the final text no longer needs are deleted.
 *
 * If the first message cannot be posted, nobody will see the answer: the reply is `failed` and
 * writes nothing more, so the caller can stop the model instead of paying for an unseen answer.
 */
export class StreamingReply {
  private readonly clock: TimerClock;
  private readonly renderer: PartRenderer;
  private readonly shown: ShownMessage[] = [];
  private text = "";
  private finalText: string | undefined;
  private discarded = false;
  private running: Promise<void> | undefined;
  private rerun = false;
  private refusal: { error: unknown } | undefined;
  private editTimer: unknown;
  private readonly typing: TypingIndicator | undefined;
  private statusAt = Number.NEGATIVE_INFINITY;
  /** The platform's own streaming, while it works for this answer. */
  private native: NativeStreamDriver | undefined;
  /** Text writes (posts and edits) before the final one; what benchmarks and tests count. */
  interimWrites = 0;

  constructor(
    private readonly surface: ReplySurface,
    private readonly options: StreamingReplyOptions,
  ) {
    this.clock = options.clock ?? systemTimerClock;
    this.renderer = new PartRenderer(surface.messageLimit, surface.format?.bind(surface));
    const showTyping = surface.showTyping?.bind(surface);
    this.typing = showTyping
      ? new TypingIndicator(showTyping, this.clock, options.typingIntervalMs ?? 8000, (error) =>
          options.onMinorFailure?.(error, "typing"),
        )
      : undefined;
    const stream = surface.openNativeStream?.();
    if (stream)
      this.native = new NativeStreamDriver(stream, options.editIntervalMs, () => this.nativeStarted());
  }

  /** True once the first message was refused: nothing more will be shown. */
  get failed(): boolean {
    return this.refusal !== undefined;
  }

  /** The refused write's error, once `failed`. */
  get failure(): unknown {
    return this.refusal?.error;
  }

  /**
   * Shows that an answer is coming: starts typing, or posts `placeholder` as the first message.
   * Resolves once the placeholder is posted; a refused placeholder marks the reply failed.
   */
  async showPending(placeholder: string): Promise<void> {
    if (this.shown.length > 0 || this.finalText !== undefined || this.discarded || this.refusal) return;
    if (this.surface.pending === "typing") this.typing?.start();
    if (this.surface.pending !== "placeholder") return;
    const content = this.surface.format?.(placeholder) ?? placeholder;
    await this.exclusive(async () => {
      if (this.shown.length > 0) return;
      const id = await this.surface.post(0, content);
      this.shown[0] = { id, content, textWrittenAt: Number.NEGATIVE_INFINITY };
    });
  }

  /**
   * Shows a status (the model is thinking, for how long) where the answer will be, while no text has
   * come: in the placeholder, at most once per interval, never delaying the first words. Surfaces
   * without a placeholder keep their own indicator (typing, a deferred "thinking…").
   */
  showStatus(status: string): void {
    if (this.text !== "" || this.finalText !== undefined || this.discarded || this.refusal) return;
    if (this.surface.pending === "typing") this.typing?.start();
    if (this.surface.pending !== "placeholder") return;
    const now = this.clock.now();
    if (now < this.statusAt + this.options.editIntervalMs) return;
    this.statusAt = now;
    const content = this.surface.format?.(status) ?? status;
    void this.exclusive(async () => {
      if (this.text !== "" || this.finalText !== undefined || this.discarded) return;
      const shown = this.shown[0];
      if (shown) {
        if (shown.content === content) return;
        await this.surface.edit(0, shown.id, content).catch((error: unknown) => {
          this.options.onMinorFailure?.(error, "interim write");
        });
        this.shown[0] = { ...shown, content, textWrittenAt: Number.NEGATIVE_INFINITY };
        return;
      }
      const id = await this.surface.post(0, content);
      this.shown[0] = { id, content, textWrittenAt: Number.NEGATIVE_INFINITY };
    });
  }

  /** The text streamed so far was not the answer after all (reasoning): forget it. */
  restart(): void {
    if (this.finalText !== undefined || this.discarded) return;
    this.text = "";
    this.statusAt = Number.NEGATIVE_INFINITY;
  }

  /** Adds streamed text. Cheap to call on every delta: writes are throttled. */
  append(delta: string): void {
    if (delta === "" || this.finalText !== undefined || this.discarded) return;
    this.text += delta;
    this.kick();
  }

  /** Resolves when every write asked for so far has landed or failed. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Writes `text` as the complete answer and resolves with the ids of the messages showing it.
   * Rejects with the write that failed when the answer could not be shown.
   */
  async finish(text: string): Promise<string[]> {
    this.finalText = text;
    this.stopTimers();
    this.kick();
    await this.settled();
    if (this.refusal) throw this.refusal.error;
    const streamedId = this.native?.messageId;
    return streamedId ? [streamedId] : this.shown.map((message) => message.id);
  }

  /**
   * Shows nothing after all: stops typing and deletes what was posted, placeholder included (or
   * withdraws what the surface showed before its first post). For answers nobody may see here.
   */
  async discard(): Promise<void> {
    this.discarded = true;
    this.stopTimers();
    await this.settled();
    await this.native?.remove();
    this.native = undefined;
    if (this.shown.length === 0) {
      await this.surface.withdraw?.();
      return;
    }
    while (this.shown.length > 0) {
      const message = this.shown.pop();
      if (message) await this.surface.delete(this.shown.length, message.id);
    }
  }

  private stopTimers(): void {
    this.typing?.stop();
    if (this.editTimer !== undefined) this.clock.clearTimeout(this.editTimer);
    this.editTimer = undefined;
  }

  /** Runs `work` when no write is in progress; later kicks wait for it. */
  private async exclusive(work: () => Promise<void>): Promise<void> {
    // Checked and claimed in one synchronous step: another caller may run between two awaits.
    while (this.running) await this.running;
    const run = work();
    this.running = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      await run;
    } catch (error) {
      this.fail(error);
    } finally {
      this.running = undefined;
      if (this.rerun) {
        this.rerun = false;
        this.kick();
      }
    }
  }

  private kick(): void {
    if (this.refusal) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.renderUntilSettled()
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.running = undefined;
        // A kick that came after the loop's last check but before this point would be lost.
        if (this.rerun) {
          this.rerun = false;
          this.kick();
        }
      });
  }

  private fail(error: unknown): void {
    this.refusal = { error };
    this.stopTimers();
  }

  private async renderUntilSettled(): Promise<void> {
    do {
      this.rerun = false;
      await this.renderOnce();
    } while (this.rerun);
  }

  private async renderOnce(): Promise<void> {
    if (this.discarded) return;
    if (this.native && (await this.renderNatively())) return;
    const final = this.finalText !== undefined;
    const parts = this.withinMessageCap(
      final
        ? this.renderer.final(this.finalText ?? "")
        : this.renderer.preview(this.text, !this.surface.appendOnly),
    );
    let nextWriteAt: number | undefined;

    for (const [index, content] of parts.entries()) {
      const existing = this.shown[index];
      if (!existing) {
        // A later part failing mid-stream is retried by the next round; the first one is the answer.
        const id = await this.post(index, content, final);
        if (id === undefined) return;
        continue;
      }
      if (existing.content === content) continue;
      const dueAt = existing.textWrittenAt + this.options.editIntervalMs;
      if (!final && this.clock.now() < dueAt) {
        nextWriteAt = Math.min(nextWriteAt ?? dueAt, dueAt);
        continue;
      }
      try {
        await this.surface.edit(index, existing.id, content);
        if (!final) this.interimWrites += 1;
      } catch (error) {
        if (!final) {
          // Harmless: the next round, or the final one, carries all the text.
          this.options.onMinorFailure?.(error, "interim write");
          existing.textWrittenAt = this.clock.now();
          continue;
        }
        // The final text must land: post it anew from here on, then remove the stale messages.
        await this.repostFrom(index, parts);
        return;
      }
      existing.content = content;
      existing.textWrittenAt = this.clock.now();
    }

    if (final) {
      this.stopTimers();
      // The final text can need fewer messages than the preview did (e.g. an error replaced it).
      while (this.shown.length > parts.length) {
        const surplus = this.shown.pop();
        if (surplus) await this.surface.delete(this.shown.length, surplus.id);
      }
    } else if (nextWriteAt !== undefined) {
      this.scheduleEdit(nextWriteAt);
    }
  }

  private withinMessageCap(parts: string[]): string[] {
    const { maxMessages, cappedNote } = this.options;
    if (maxMessages === undefined || parts.length <= maxMessages) return parts;
    const note = cappedNote ?? "";
    return limitAnswerParts(
      parts,
      maxMessages,
      this.surface.format?.(note) ?? note,
      this.surface.messageLimit,
    );
  }

  /**
   * One round through the native stream; false hands the round (and the rest of the answer) to
   * posting and editing: the platform refused, or the final text does not continue the stream.
   */
  private async renderNatively(): Promise<boolean> {
    const native = this.native;
    if (!native) return false;
    const final = this.finalText !== undefined;
    try {
      const round = await native.round(this.finalText ?? this.text, final, this.clock.now(), (until) =>
        this.scheduleEdit(until),
      );
      if (round.kind === "handled" && round.wrote && !final) this.interimWrites += 1;
      if (round.kind !== "fallback") return true;
    } catch (error) {
      // Not here, after all: this answer continues as posts and edits.
      this.options.onMinorFailure?.(error, "interim write");
      await native.remove().catch(() => undefined);
    }
    this.native = undefined;
    return false;
  }

  /** The stream has started: a placeholder posted while waiting gives way to it. */
  private async nativeStarted(): Promise<void> {
    this.typing?.stop();
    for (const placeholder of this.shown.splice(0)) {
      await this.surface.delete(0, placeholder.id).catch((error: unknown) => {
        this.options.onMinorFailure?.(error, "cleanup");
      });
    }
  }

  /** Posts message `index`; undefined when a later part failed mid-stream (retried next round). */
  private async post(index: number, content: string, final: boolean): Promise<string | undefined> {
    try {
      const id = await this.surface.post(index, content);
      this.typing?.stop();
      this.shown[index] = { id, content, textWrittenAt: this.clock.now() };
      if (!final) this.interimWrites += 1;
      return id;
    } catch (error) {
      if (index === 0 || final) throw error;
      this.options.onMinorFailure?.(error, "interim write");
      this.scheduleEdit(this.clock.now() + this.options.editIntervalMs);
      return undefined;
    }
  }

  private async repostFrom(index: number, parts: readonly string[]): Promise<void> {
    const stale = this.shown.splice(index);
    for (let next = index; next < parts.length; next++) {
      const content = parts[next] ?? "";
      this.shown[next] = {
        id: await this.surface.post(next, content),
        content,
        textWrittenAt: this.clock.now(),
      };
    }
    for (const [offset, message] of stale.entries()) {
      await this.surface.delete(index + offset, message.id).catch((error: unknown) => {
        // The answer is shown below; a stale preview left above is the lesser harm.
        this.options.onMinorFailure?.(error, "cleanup");
      });
    }
  }

  private scheduleEdit(at: number): void {
    if (this.editTimer !== undefined || this.finalText !== undefined || this.discarded) return;
    this.editTimer = this.clock.setTimeout(
      () => {
        this.editTimer = undefined;
        this.kick();
      },
      Math.max(0, at - this.clock.now()),
    );
  }
}
