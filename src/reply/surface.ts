/**
 * Where one answer is shown: the small port each platform implements with its own API calls and
 * formatting. Message `index` 0 is the reply itself; later indexes are the further messages a long
 * answer needs, in order. Everything else (throttling, splitting, the final write that always lands,
 * taking back what must not be shown) is the core's `StreamingReply`.
 */
/**
 * A platform's own streaming of one message (Slack's chat.startStream / appendStream / stopStream):
 * text can only be added. The core uses it where the surface offers it and falls back to posting
 * and editing whenever it refuses or the final text does not continue what was streamed.
 */
export interface NativeStream {
  /** The most characters one streamed message may hold. */
  readonly maxLength: number;
  /** The streamed message's id, once started. */
  readonly messageId: string | undefined;
  /** Starts the message with its first text; rejects when the platform will not stream here. */
  start(markdown: string): Promise<void>;
  append(markdown: string): Promise<void>;
  /** Ends the message, adding `markdown` (possibly empty). */
  stop(markdown: string): Promise<void>;
  /** Takes the streamed message back (the final text could not continue it). */
  remove(): Promise<void>;
}

export interface ReplySurface {
  /** The most characters one message may hold once formatted. */
  readonly messageLimit: number;
  /** The platform's rendering of one Markdown part (Slack mrkdwn); the text as is when absent. */
  format?(markdown: string): string;
  /** Posts message `index` and returns its id. */
  post(index: number, content: string): Promise<string>;
  edit(index: number, messageId: string, content: string): Promise<void>;
  delete(index: number, messageId: string): Promise<void>;
  /**
   * How the surface shows that an answer is coming before its first words: a typing indicator
   * (refreshed until text arrives), a placeholder message that the text then replaces, or nothing
   * of its own (a deferred interaction already shows "thinking…").
   */
  readonly pending: "typing" | "placeholder" | "none";
  /**
   * Text once written cannot be changed (a terminal): a preview is never decorated (an open code
   * block is left open), so every write extends the one before.
   */
  readonly appendOnly?: boolean;
  /** Shows "typing…" for a few seconds; for `pending: "typing"`. */
  showTyping?(): Promise<void>;
  /** Removes what the platform shows by itself before the first post (a deferred interaction). */
  withdraw?(): Promise<void>;
  /** A native stream for this answer, when the platform has one here; posts and edits otherwise. */
  openNativeStream?(): NativeStream | undefined;
  /**
   * Shows a short text to the asker alone, in place of the answer (a refusal of a public command).
   * False when the surface could not, and the text is then shown in place.
   */
  showPrivately?(text: string): Promise<boolean>;
}
