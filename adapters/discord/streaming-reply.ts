import { splitMessage } from "../../src/text/split-message.ts";

/** Discord's limit on message content. */
export const DISCORD_MESSAGE_LIMIT = 2000;

/**
 * Where a reply is shown: a channel message with follow-ups, or an interaction response with
 * follow-ups. `index` 0 is the reply itself; later indexes are further messages in order.
 */
export interface ReplySurface {
  /** Shows that an answer is coming (typing indicator); may be a no-op. */
  showTyping(): Promise<void>;
  /** Posts message `index` and returns its id. */
  post(index: number, content: string): Promise<string>;
  edit(index: number, messageId: string, content: string): Promise<void>;
  delete(index: number, messageId: string): Promise<void>;
  /** Removes what the surface shows before its first post (a deferred interaction's "thinking…"). */
  withdraw?(): Promise<void>;
}

export interface StreamingReplyOptions {
  /** Least time between two writes (post or edit) of one message. */
  editIntervalMs: number;
  limit?: number;
  /** Discord shows "typing" for about 10 s per call; refreshed at this interval until text arrives. */
  typingIntervalMs?: number;
  now?: () => number;
  onTypingError?: (error: unknown) => void;
}

interface RenderedMessage {
  id: string;
  content: string;
  writtenAt: number;
}

/** Shown instead of an empty answer: Discord rejects a message without content. */
const EMPTY_ANSWER = "…";
/** Room for the closing fence a preview adds to a block still being written. */
const PREVIEW_FENCE = "\n```";

function visibleParts(text: string, limit: number): string[] {
  return splitMessage(text, limit).filter((part) => part.trim() !== "");
}

/** Parts of text still streaming: an open code block is closed so the preview renders as code. */
function previewParts(text: string, limit: number): string[] {
  const parts = visibleParts(text, limit - PREVIEW_FENCE.length);
  const last = parts.length - 1;
  const lastPart = parts[last];
  if (lastPart !== undefined && (lastPart.split("```").length - 1) % 2 === 1)
    parts[last] = lastPart + PREVIEW_FENCE;
  return parts;
}

/**
 * Renders a streamed answer: typing until the first text, then posts and edits as text arrives,
 * writing each message at most once per `editIntervalMs`, and a final render of the complete text
 * that always lands (surplus preview messages are deleted). One write at a time, in order.
 */
export class StreamingReply {
  private readonly limit: number;
  private readonly now: () => number;
  private readonly rendered: RenderedMessage[] = [];
  private text = "";
  private finalText: string | undefined;
  private discarded = false;
  private running: Promise<void> | undefined;
  private rerun = false;
  private failure: { error: unknown } | undefined;
  private editTimer: NodeJS.Timeout | undefined;
  private typingTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly surface: ReplySurface,
    private readonly options: StreamingReplyOptions,
  ) {
    this.limit = options.limit ?? DISCORD_MESSAGE_LIMIT;
    this.now = options.now ?? Date.now;
  }

  /** Starts the typing indicator; it stops at the first posted text or at `finish`. */
  startTyping(): void {
    const type = () => {
      this.surface.showTyping().catch((error: unknown) => this.options.onTypingError?.(error));
    };
    type();
    this.typingTimer = setInterval(type, this.options.typingIntervalMs ?? 8000);
    this.typingTimer.unref();
  }

  /** True once a write was refused: nothing more will be shown. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  append(delta: string): void {
    if (delta === "" || this.finalText !== undefined || this.discarded) return;
    this.text += delta;
    this.kick();
  }

  /**
   * Renders `text` as the complete answer and resolves with the ids of the messages showing it.
   * Rejects with the first failed write (after which nothing more is written).
   */
  async finish(text: string): Promise<string[]> {
    this.finalText = text;
    this.stopTyping();
    this.clearEditTimer();
    this.kick();
    while (this.running) await this.running;
    if (this.failure) throw this.failure.error;
    return this.rendered.map((message) => message.id);
  }

  /**
   * Shows nothing after all: stops typing and deletes what was posted (or the surface's
   * placeholder when nothing was). For answers the engine wants unanswered, e.g. a silent refusal.
   */
  async discard(): Promise<void> {
    this.discarded = true;
    this.stopTyping();
    this.clearEditTimer();
    while (this.running) await this.running;
    if (this.failure) throw this.failure.error;
    if (this.rendered.length === 0) {
      await this.surface.withdraw?.();
      return;
    }
    while (this.rendered.length > 0) {
      const message = this.rendered.pop();
      if (message) await this.surface.delete(this.rendered.length, message.id);
    }
  }

  private kick(): void {
    if (this.failure) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.renderUntilSettled()
      .catch((error: unknown) => {
        this.failure = { error };
        this.stopTyping();
        this.clearEditTimer();
      })
      .finally(() => {
        this.running = undefined;
        // A kick that came after the loop's last check but before this point would be lost.
        if (this.rerun) {
          this.rerun = false;
          this.kick();
        }
      });
  }

  /** Resolves when every write asked for so far has landed or failed. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async renderUntilSettled(): Promise<void> {
    do {
      this.rerun = false;
      await this.renderOnce();
    } while (this.rerun);
  }

  private async renderOnce(): Promise<void> {
    if (this.discarded) return;
    const final = this.finalText !== undefined;
    const parts = final
      ? visibleParts(this.finalText ?? "", this.limit)
      : previewParts(this.text, this.limit);
    if (final && parts.length === 0) parts.push(EMPTY_ANSWER);
    let nextWriteAt: number | undefined;

    for (const [index, content] of parts.entries()) {
      const existing = this.rendered[index];
      if (!existing) {
        const id = await this.surface.post(index, content);
        this.stopTyping();
        this.rendered[index] = { id, content, writtenAt: this.now() };
        continue;
      }
      if (existing.content === content) continue;
      const dueAt = existing.writtenAt + this.options.editIntervalMs;
      if (!final && this.now() < dueAt) {
        nextWriteAt = Math.min(nextWriteAt ?? dueAt, dueAt);
        continue;
      }
      try {
        await this.surface.edit(index, existing.id, content);
      } catch (error) {
        if (!final) throw error;
        // The final text must land: post it anew from here on, then remove the stale previews.
        await this.repostFrom(index, parts);
        break;
      }
      existing.content = content;
      existing.writtenAt = this.now();
    }

    if (final) {
      // The final text can need fewer messages than the preview did (e.g. an error replaced it).
      while (this.rendered.length > parts.length) {
        const surplus = this.rendered.pop();
        if (surplus) await this.surface.delete(this.rendered.length, surplus.id);
      }
    } else if (nextWriteAt !== undefined) {
      this.scheduleEdit(nextWriteAt);
    }
  }

  private async repostFrom(index: number, parts: readonly string[]): Promise<void> {
    const stale = this.rendered.splice(index);
    for (let next = index; next < parts.length; next++) {
      const content = parts[next] ?? EMPTY_ANSWER;
      this.rendered[next] = { id: await this.surface.post(next, content), content, writtenAt: this.now() };
    }
    for (const [offset, message] of stale.entries()) {
      await this.surface.delete(index + offset, message.id).catch(() => {
        // Best effort: the answer is shown below; a stale preview left above is the lesser harm.
      });
    }
  }

  private scheduleEdit(at: number): void {
    if (this.editTimer || this.finalText !== undefined || this.discarded) return;
    this.editTimer = setTimeout(
      () => {
        this.editTimer = undefined;
        this.kick();
      },
      Math.max(0, at - this.now()),
    );
  }

  private clearEditTimer(): void {
    if (this.editTimer) clearTimeout(this.editTimer);
    this.editTimer = undefined;
  }

  private stopTyping(): void {
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.typingTimer = undefined;
  }
}
