import type { RespondFn, SlashCommand } from "@slack/bolt";
import { type EngineResult, type InboundTurn, translate } from "../../src/index.ts";
import { answerInSlack } from "./answer.ts";
import { commandThreadId, commandTurn } from "./command-turns.ts";
import type { SlackHandlerContext } from "./context.ts";
import { errorSummary, slackErrorCode } from "./errors.ts";
import { escapeMrkdwn } from "./escape.ts";
import { markdownToMrkdwn } from "./mrkdwn.ts";
import { renderAnswerParts } from "./render-parts.ts";
import { DM_MAIN_THREAD } from "./routing.ts";

/** A response_url accepts five messages; a private answer longer than that is cut with a note. */
const MAX_RESPONSES = 5;

/** The ack must leave within 3 s: only a cached locale is used, never a users.info call. */
export function thinkingText(context: SlackHandlerContext, command: SlashCommand): string {
  const locale = context.directory.cached(command.team_id, command.user_id)?.locale;
  return escapeMrkdwn(translate(context.services.engine.localeOf({ locale }), "thinking"));
}

/**
 * Public: the question is posted in the channel and answered in its thread (a DM: right below), so a
 * mention in that thread continues the conversation. Private, or where the bot may not post (a channel
 * it is not in, a DM between two people), the answer comes back ephemerally through response_url.
 */
export async function ask(
  context: SlackHandlerContext,
  command: SlashCommand,
  question: string,
  isPrivate: boolean,
  respond: RespondFn,
): Promise<void> {
  const turn = await commandTurn(context, command, commandThreadId(context, command), question);
  if (!isPrivate && turn.text !== "") {
    const questionTs = await postQuestion(context, command, turn);
    if (questionTs !== undefined) {
      // The bot could post here: a DM of this channel is the bot's own.
      if (turn.isDirectMessage) context.botDirectMessages.remember(command.team_id, command.channel_id);
      const threadTs = turn.isDirectMessage ? undefined : questionTs;
      if (threadTs) context.answeredThreads.remember(command.team_id, command.channel_id, threadTs);
      const threadTurn = { ...turn, threadId: threadTs ?? DM_MAIN_THREAD };
      await answerInSlack(
        context.replies,
        context.services,
        threadTurn,
        { channelId: command.channel_id, threadTs },
        context.signal,
        (text) => refuseInPrivate(context, command, questionTs, text, respond),
      );
      return;
    }
  }
  await answerPrivately(context, turn, respond);
}

/**
 * A refused /ask (access, rate or budget) is the asker's business only: the refusal goes to them
 * privately and the question posted for them is taken back. False leaves the refusal to the thread.
 */
async function refuseInPrivate(
  context: SlackHandlerContext,
  command: SlashCommand,
  questionTs: string,
  text: string,
  respond: RespondFn,
): Promise<boolean> {
  try {
    await respond({
      response_type: "ephemeral",
      text: markdownToMrkdwn(text),
      replace_original: false,
    });
  } catch (error) {
    context.services.logger.warn({ error: errorSummary(error) }, "slack could not answer /ask privately");
    return false;
  }
  await context.messenger.remove(command.channel_id, questionTs).catch((error: unknown) => {
    context.services.logger.warn(
      { error: errorSummary(error) },
      "slack could not take back the /ask question",
    );
  });
  return true;
}

/** The whole answer at once (ephemeral messages cannot be edited), in at most five messages. */
async function answerPrivately(context: SlackHandlerContext, turn: InboundTurn, respond: RespondFn) {
  let final: EngineResult | undefined;
  for await (const event of context.services.engine.ask(turn, { signal: context.signal })) {
    if (event.type === "final") final = event.result;
  }
  if (!final || final.failure?.audience === "nobody") return;
  const parts = renderAnswerParts(final.text, context.replies.partLimit);
  const sent = parts.slice(0, MAX_RESPONSES);
  if (parts.length > MAX_RESPONSES) sent[MAX_RESPONSES - 1] = `${sent[MAX_RESPONSES - 1]}\n…`;
  for (const part of sent) await respond({ response_type: "ephemeral", text: part, replace_original: false });
}

/** The question as a message of the bot's; undefined where the bot may not post. */
async function postQuestion(
  context: SlackHandlerContext,
  command: SlashCommand,
  turn: InboundTurn,
): Promise<string | undefined> {
  const text = `*${escapeMrkdwn(turn.userName)}:* ${escapeMrkdwn(turn.text)}`;
  try {
    return await context.messenger.post(command.channel_id, text, undefined);
  } catch (error) {
    context.services.logger.info(
      { channel: command.channel_id, code: slackErrorCode(error) },
      "slack /ask cannot post in this channel; answering privately",
    );
    return undefined;
  }
}
