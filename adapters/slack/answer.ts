import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { ConversationEngine } from "../../src/engine/types.ts";
import { translate } from "../../src/i18n/translate.ts";
import type { Logger } from "../../src/observability/logger.ts";
import type { Clock } from "./clock.ts";
import { errorSummary } from "./errors.ts";
import { escapeMrkdwn } from "./escape.ts";
import type { SlackMessenger } from "./messenger.ts";
import { StreamingReply } from "./streaming-reply.ts";

export interface AnswerDependencies {
  engine: ConversationEngine;
  messenger: SlackMessenger;
  logger: Logger;
  /** Locale of the bot's own texts when the user's is unknown. */
  defaultLocale: string;
  updateIntervalMs?: number;
  partLimit?: number;
  clock?: Clock;
}

export interface AnswerPlace {
  channelId: string;
  /** Thread to answer in; undefined answers at the top level (a DM). */
  threadTs: string | undefined;
}

/**
 * Asks the engine and streams its answer into Slack. Resolves true once the answer is posted, false
 * when Slack refused even the placeholder (the bot is not in the channel, say): then the engine is not
 * asked at all, so no tokens are spent on an answer nobody can see.
 */
export async function answerTurn(
  dependencies: AnswerDependencies,
  turn: InboundTurn,
  place: AnswerPlace,
  signal?: AbortSignal,
): Promise<boolean> {
  const { engine, messenger, logger } = dependencies;
  const locale = turn.locale ?? dependencies.defaultLocale;
  let reply: StreamingReply;
  try {
    reply = await StreamingReply.open(
      {
        messenger,
        channelId: place.channelId,
        threadTs: place.threadTs,
        logger,
        ...(dependencies.updateIntervalMs === undefined
          ? {}
          : { updateIntervalMs: dependencies.updateIntervalMs }),
        ...(dependencies.partLimit === undefined ? {} : { partLimit: dependencies.partLimit }),
        ...(dependencies.clock === undefined ? {} : { clock: dependencies.clock }),
      },
      escapeMrkdwn(translate(locale, "thinking")),
    );
  } catch (error) {
    logger.warn(
      { error: errorSummary(error), channel: place.channelId },
      "slack refused the placeholder; not answering",
    );
    return false;
  }

  let streamed = "";
  let finalText: string | undefined;
  try {
    for await (const event of engine.ask(turn, signal ? { signal } : {})) {
      if (event.type === "delta") {
        streamed += event.text;
        reply.show(streamed);
      } else if (event.result.failure?.silent) {
        // A refusal the engine wants unanswered (e.g. a channel the bot does not serve).
        await reply.discard();
        return true;
      } else {
        finalText = event.result.text;
      }
    }
  } catch (error) {
    // `ask` promises not to throw; should it anyway, the user still gets a short message.
    logger.error({ error: errorSummary(error) }, "engine.ask threw");
    finalText = translate(locale, "error.internal");
  }
  await reply.finish(finalText ?? (streamed || translate(locale, "error.internal")));
  return true;
}
