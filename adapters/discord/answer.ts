import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { EngineResult, UserFacingErrorCode } from "../../src/engine/events.ts";
import type { ConversationEngine } from "../../src/engine/types.ts";
import { translate } from "../../src/i18n/translate.ts";
import { type ReplySurface, StreamingReply } from "./streaming-reply.ts";

/** Refusals by access, rate and budget rules: about the asker, so best shown to the asker alone. */
const REFUSALS = new Set<UserFacingErrorCode>([
  "access_denied",
  "dms_disabled",
  "user_budget",
  "workspace_budget",
  "slow_down",
]);

export interface AnswerOptions {
  editIntervalMs: number;
  /** Show a typing indicator until the first text (channel messages; interactions show "thinking"). */
  typing: boolean;
  onTypingError?: (error: unknown) => void;
  /** Appended to the visible end of the answer, e.g. the note that attachments were ignored. */
  note?: string;
  /**
   * Shows a refusal to the asker alone instead of on `surface` (a public slash command). The
   * surface's placeholder is withdrawn first.
   */
  showRefusal?: (text: string) => Promise<void>;
  /** Aborted when the adapter's shutdown deadline passes: the answer then ends with a short message. */
  stopping?: AbortSignal;
}

/**
 * Asks the engine and renders the stream on `surface`. Resolves with the ids of the messages that
 * show the final text (none when the engine asked for silence or the refusal went elsewhere);
 * rejects if Discord refused a write (the engine is then cancelled, since nobody would see the
 * rest of the answer).
 */
export async function streamAnswer(
  engine: ConversationEngine,
  turn: InboundTurn,
  surface: ReplySurface,
  options: AnswerOptions,
): Promise<string[]> {
  const reply = new StreamingReply(surface, {
    editIntervalMs: options.editIntervalMs,
    ...(options.onTypingError ? { onTypingError: options.onTypingError } : {}),
  });
  if (options.typing) reply.startTyping();
  const cancel = new AbortController();
  const stop = () => cancel.abort(options.stopping?.reason);
  if (options.stopping?.aborted) stop();
  options.stopping?.addEventListener("abort", stop, { once: true });
  let final: EngineResult | undefined;
  try {
    let firstWrite = true;
    for await (const event of engine.ask(turn, { signal: cancel.signal })) {
      if (event.type === "final") final = event.result;
      else reply.append(event.text);
      if (firstWrite && event.type === "delta") {
        // Wait for the first post: if Discord refuses it, nobody will see the answer, so the engine
        // is cancelled before the turn enters the history.
        firstWrite = false;
        await reply.settled();
      }
      if (reply.failed) {
        cancel.abort();
        break;
      }
    }
  } catch {
    // `ask` promises not to throw; if it does anyway, the user still gets an answer below.
  } finally {
    options.stopping?.removeEventListener("abort", stop);
  }

  const failure = final?.failure;
  if (failure?.silent) {
    await reply.discard();
    return [];
  }
  if (failure && options.showRefusal && REFUSALS.has(failure.code)) {
    await reply.discard();
    await options.showRefusal(withNote(failure.message, options.note));
    return [];
  }
  return reply.finish(withNote(final?.text ?? translate(turn.locale, "error.internal"), options.note));
}

function withNote(text: string, note: string | undefined): string {
  return note ? `${text}\n\n${note}` : text;
}

/** Renders a complete text (command output) on `surface`, split like any answer. */
export function showText(surface: ReplySurface, text: string): Promise<string[]> {
  return new StreamingReply(surface, { editIntervalMs: 0 }).finish(text);
}
