import type { InboundTurn } from "../conversation/turn.ts";
import type { EngineEvent, EngineProgress, EngineResult } from "../engine/events.ts";
import type { ConversationEngine } from "../engine/types.ts";
import { translate } from "../i18n/translate.ts";
import type { Logger } from "../observability/logger.ts";
import { systemTimerClock, type TimerClock } from "./clock.ts";
import { StreamingReply } from "./streaming-reply.ts";
import type { ReplySurface } from "./surface.ts";

export interface DeliveryOptions {
  editIntervalMs: number;
  /**
   * How long the engine may take before the pending indicator shows; 0 shows it at once. Refusals
   * and cached answers come sooner, so a silent refusal then leaves no trace at all.
   */
  pendingDelayMs: number;
  logger: Logger;
  clock?: TimerClock;
  typingIntervalMs?: number;
  /** Aborted when the adapter's shutdown deadline passes: the answer then ends with a short note. */
  stopping?: AbortSignal;
  /** ANSWER_MAX_MESSAGES: most messages one answer may become. */
  maxMessages?: number;
}

/**
 * answered; silent (nobody may see this failure here); refused-elsewhere (shown to the asker alone);
 * not-posted (the platform refused the answer, and the engine was stopped).
 */
export type DeliveryOutcome = "answered" | "silent" | "refused-elsewhere" | "not-posted";

export interface Delivery {
  outcome: DeliveryOutcome;
  /** The messages that show the final text, in order. */
  messageIds: string[];
  /** Why the platform refused the answer, for the adapter's own log line. */
  error?: unknown;
}

/**
 * Asks the engine and shows its answer on `surface` as it streams. When the platform refuses the
 * first write nobody will see the answer, so the engine is stopped before it spends more tokens or
 * records the turn. Never throws: every failure ends as an outcome, logged.
 */
export async function deliverAnswer(
  engine: ConversationEngine,
  turn: InboundTurn,
  surface: ReplySurface,
  options: DeliveryOptions,
): Promise<Delivery> {
  const { logger } = options;
  const clock = options.clock ?? systemTimerClock;
  const locale = engine.localeOf(turn);
  const reply = new StreamingReply(surface, {
    editIntervalMs: options.editIntervalMs,
    clock,
    ...(options.typingIntervalMs === undefined ? {} : { typingIntervalMs: options.typingIntervalMs }),
    ...(options.maxMessages === undefined
      ? {}
      : { maxMessages: options.maxMessages, cappedNote: translate(locale, "note.answer_capped") }),
    onMinorFailure: (error, what) => logger.debug({ err: errorText(error), what }, "reply: write failed"),
  });
  const cancel = new AbortController();
  const stop = () => cancel.abort(options.stopping?.reason);
  if (options.stopping?.aborted) stop();
  options.stopping?.addEventListener("abort", stop, { once: true });
  const onProgress = (progress: EngineProgress) => {
    if (progress.type === "restart") {
      reply.restart();
      reply.showStatus(translate(locale, "thinking"));
      return;
    }
    const seconds = Math.floor(progress.elapsedMs / 1000);
    reply.showStatus(
      seconds > 0 ? translate(locale, "thinking_for", { seconds }) : translate(locale, "thinking"),
    );
  };
  const events = engine.ask(turn, { signal: cancel.signal, onProgress })[Symbol.asyncIterator]();
  const notPosted = (error: unknown): Delivery => {
    cancel.abort();
    return { outcome: "not-posted", messageIds: [], error };
  };

  let final: EngineResult | undefined;
  try {
    const pending = events.next();
    let step = await within(pending, options.pendingDelayMs, clock);
    if (step === undefined) {
      await reply.showPending(translate(locale, "thinking"));
      if (reply.failed) return notPosted(reply.failure);
      step = await pending;
    }
    let first = true;
    for (; !step.done; step = await events.next()) {
      const event: EngineEvent = step.value;
      if (event.type === "final") {
        final = event.result;
        break;
      }
      reply.append(event.text);
      if (first) {
        // If the platform refuses the first words, stop before the turn enters the history.
        first = false;
        await reply.settled();
      }
      if (reply.failed) return notPosted(reply.failure);
    }
  } catch (error) {
    // `ask` promises not to throw; should it anyway, the person still gets a short message.
    logger.error({ err: errorText(error) }, "engine.ask threw");
    final = undefined;
  } finally {
    // Ends the engine's turn (and its hold on the conversation) before the last writes.
    await events.return?.(undefined).catch(() => undefined);
    options.stopping?.removeEventListener("abort", stop);
  }

  const audience = final?.failure?.audience;
  if (audience === "nobody") {
    await reply
      .discard()
      .catch((error: unknown) => logger.warn({ err: errorText(error) }, "reply: discard failed"));
    return { outcome: "silent", messageIds: [] };
  }
  let shownIn = reply;
  if (final && audience === "asker" && surface.showPrivately) {
    // What the surface showed in place goes first: on Discord a follow-up to a deferred response
    // would otherwise replace it, and take its visibility.
    await reply
      .discard()
      .catch((error: unknown) => logger.warn({ err: errorText(error) }, "reply: discard failed"));
    if (await surface.showPrivately(final.text)) return { outcome: "refused-elsewhere", messageIds: [] };
    shownIn = new StreamingReply(surface, { editIntervalMs: options.editIntervalMs, clock });
  }
  try {
    const messageIds = await shownIn.finish(final?.text ?? translate(locale, "error.internal"));
    return { outcome: "answered", messageIds };
  } catch (error) {
    return { outcome: "not-posted", messageIds: [], error };
  }
}

/** Shows a complete text (a command's output) on `surface`, split like any answer. */
export function showText(surface: ReplySurface, text: string): Promise<string[]> {
  return new StreamingReply(surface, { editIntervalMs: 0 }).finish(text);
}

/** The promise's value if it settles within `ms`, else undefined; `ms` <= 0 does not wait. */
function within<T>(promise: Promise<T>, ms: number, clock: TimerClock): Promise<T | undefined> {
  if (ms <= 0) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
