import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { ConversationEngine } from "../../src/engine/types.ts";
import { translate } from "../../src/i18n/translate.ts";
import { type ReplySurface, StreamingReply } from "./streaming-reply.ts";

export interface AnswerOptions {
  editIntervalMs: number;
  /** Show a typing indicator until the first text (channel messages; interactions show "thinking"). */
  typing: boolean;
  onTypingError?: (error: unknown) => void;
}

/**
 * Asks the engine and renders the stream on `surface`. Resolves with the ids of the messages that
 * show the final text; rejects if Discord refused a write (the engine is then cancelled, since
 * nobody would see the rest of the answer).
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
  let finalText: string | undefined;
  try {
    for await (const event of engine.ask(turn, { signal: cancel.signal })) {
      if (event.type === "final") finalText = event.result.text;
      else reply.append(event.text);
      if (reply.failed) {
        cancel.abort();
        break;
      }
    }
  } catch {
    // `ask` promises not to throw; if it does anyway, the user still gets an answer below.
  }
  return reply.finish(finalText ?? translate(turn.locale, "error.internal"));
}

/** Renders a complete text (command output) on `surface`, split like any answer. */
export function showText(surface: ReplySurface, text: string): Promise<string[]> {
  return new StreamingReply(surface, { editIntervalMs: 0 }).finish(text);
}
