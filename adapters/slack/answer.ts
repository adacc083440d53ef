import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { EngineEvent, EngineResult, UserFacingErrorCode } from "../../src/engine/events.ts";
import type { ConversationEngine } from "../../src/engine/types.ts";
import type { Refusal } from "../../src/governance/governance.ts";
import { translate } from "../../src/i18n/translate.ts";
import type { Logger } from "../../src/observability/logger.ts";
import { type Clock, systemClock } from "./clock.ts";
import { errorSummary } from "./errors.ts";
import { escapeMrkdwn } from "./escape.ts";
import type { SlackMessenger } from "./messenger.ts";
import { StreamingReply, type StreamingReplyOptions } from "./streaming-reply.ts";

/**
 * How long the engine may take before a "…thinking" placeholder appears. Refusals and cached answers
 * come sooner: a silent refusal then leaves no trace at all, any other early result is posted as is.
 */
export const DEFAULT_PLACEHOLDER_DELAY_MS = 300;

export interface AnswerDependencies {
  engine: ConversationEngine;
  messenger: SlackMessenger;
  logger: Logger;
  /** Locale of the bot's own texts when the user's is unknown. */
  defaultLocale: string;
  updateIntervalMs?: number;
  partLimit?: number;
  clock?: Clock;
  /** 0 posts the placeholder before asking the engine. */
  placeholderDelayMs?: number;
}

export interface AnswerPlace {
  channelId: string;
  /** Thread to answer in; undefined answers at the top level (a DM). */
  threadTs: string | undefined;
}

export interface AnswerExtras {
  /**
   * Said about the message itself (e.g. that its files were ignored): appended to an answer, and
   * shown instead of "ask me something" when the message had nothing else in it.
   */
  note?: string;
  /**
   * Shows an access, rate or budget refusal somewhere else (privately) instead of in the place;
   * resolves true when it did, and then nothing stays in the place.
   */
  showRefusal?: (result: EngineResult) => Promise<boolean>;
}

/** answered; silent (a refusal the engine wants unanswered); refused privately; or Slack refused the post. */
export type AnswerOutcome = "answered" | "silent" | "refused-elsewhere" | "not-posted";

/** Every code the governance refuses with: who may ask, how often, how much. */
const refusalCodes: Record<Refusal["code"], true> = {
  access_denied: true,
  dms_disabled: true,
  user_budget: true,
  workspace_budget: true,
  slow_down: true,
};

const isRefusal = (code: UserFacingErrorCode) => code in refusalCodes;

/**
 * Asks the engine and streams its answer into Slack. The placeholder waits until the engine has
 * either started answering or taken longer than the placeholder delay. When Slack refuses to post
 * (the bot is not in the channel, say) the engine's work is aborted: no tokens for an unseen answer.
 */
export async function answerTurn(
  dependencies: AnswerDependencies,
  turn: InboundTurn,
  place: AnswerPlace,
  signal?: AbortSignal,
  extras: AnswerExtras = {},
): Promise<AnswerOutcome> {
  const { engine, logger } = dependencies;
  const locale = turn.locale ?? dependencies.defaultLocale;
  const reply = new LazyReply(dependencies, place, locale);
  // Aborted when the adapter stops (`signal`) or when Slack will not take the answer.
  const aborter = new AbortController();
  const forwardStop = () => aborter.abort(signal?.reason);
  if (signal?.aborted) forwardStop();
  signal?.addEventListener("abort", forwardStop, { once: true });
  const events = engine.ask(turn, { signal: aborter.signal })[Symbol.asyncIterator]();

  let final: EngineResult | undefined;
  let streamed = "";
  try {
    const pending = events.next();
    let step = await within(
      pending,
      dependencies.placeholderDelayMs ?? DEFAULT_PLACEHOLDER_DELAY_MS,
      dependencies.clock ?? systemClock,
    );
    if (step === undefined) {
      if (!(await reply.showPlaceholder())) return abandon(aborter);
      step = await pending;
    }
    for (; !step.done; step = await events.next()) {
      const event: EngineEvent = step.value;
      if (event.type === "final") {
        final = event.result;
        break;
      }
      streamed += event.text;
      if (!(await reply.showPlaceholder())) return abandon(aborter);
      reply.show(streamed);
    }
  } catch (error) {
    // `ask` promises not to throw; should it anyway, the user still gets a short message.
    logger.error({ error: errorSummary(error) }, "engine.ask threw");
    final = undefined;
    streamed = "";
  } finally {
    // Ends the engine's turn (and its hold on the conversation) before the last Slack writes.
    await events.return?.(undefined).catch(() => undefined);
    signal?.removeEventListener("abort", forwardStop);
  }

  const failure = final?.failure;
  if (failure?.silent) {
    await reply.discard();
    return "silent";
  }
  if (final && failure && isRefusal(failure.code) && extras.showRefusal) {
    if (await extras.showRefusal(final)) {
      await reply.discard();
      return "refused-elsewhere";
    }
  }
  const text = finalText(final, streamed, locale, extras.note);
  return (await reply.finish(text)) ? "answered" : "not-posted";
}

function finalText(
  final: EngineResult | undefined,
  streamed: string,
  locale: string,
  note: string | undefined,
): string {
  if (!final) return streamed || translate(locale, "error.internal");
  if (!note) return final.text;
  if (final.failure?.code === "empty_question") return note;
  return final.failure ? final.text : `${final.text}\n\n_${note}_`;
}

function abandon(aborter: AbortController): AnswerOutcome {
  aborter.abort();
  return "not-posted";
}

/** The promise's value if it settles within `ms`, else undefined; `ms` <= 0 does not wait. */
function within<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T | undefined> {
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

/** The answer's messages, posted only once there is reason to: a placeholder, or the final text. */
class LazyReply {
  private reply: StreamingReply | undefined;
  private refused = false;

  constructor(
    private readonly dependencies: AnswerDependencies,
    private readonly place: AnswerPlace,
    private readonly locale: string,
  ) {}

  /** Posts the placeholder unless already done; false when Slack refused it. */
  async showPlaceholder(): Promise<boolean> {
    if (this.reply) return true;
    if (this.refused) return false;
    const placeholder = escapeMrkdwn(translate(this.locale, "thinking"));
    this.reply = await this.open(() => StreamingReply.open(this.options(), placeholder));
    return this.reply !== undefined;
  }

  show(markdown: string): void {
    this.reply?.show(markdown);
  }

  /** Writes the complete text, into the placeholder or as new messages; false when Slack refused. */
  async finish(markdown: string): Promise<boolean> {
    if (this.refused) return false;
    this.reply ??= await this.open(() => StreamingReply.openWithText(this.options(), markdown));
    if (!this.reply) return false;
    await this.reply.finish(markdown);
    return true;
  }

  async discard(): Promise<void> {
    await this.reply?.discard();
  }

  private async open(post: () => Promise<StreamingReply>): Promise<StreamingReply | undefined> {
    try {
      return await post();
    } catch (error) {
      this.refused = true;
      this.dependencies.logger.warn(
        { error: errorSummary(error), channel: this.place.channelId },
        "slack refused to post the answer; not answering",
      );
      return undefined;
    }
  }

  private options(): StreamingReplyOptions {
    const { messenger, logger, updateIntervalMs, partLimit, clock } = this.dependencies;
    return {
      messenger,
      channelId: this.place.channelId,
      threadTs: this.place.threadTs,
      logger,
      ...(updateIntervalMs === undefined ? {} : { updateIntervalMs }),
      ...(partLimit === undefined ? {} : { partLimit }),
      ...(clock === undefined ? {} : { clock }),
    };
  }
}
