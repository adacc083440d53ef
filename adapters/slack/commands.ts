import type { App, RespondFn, SlashCommand } from "@slack/bolt";
import type { Config } from "../../src/config/config.ts";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { EngineCommand, EngineResult } from "../../src/engine/events.ts";
import type { CommandNames, CommandOptions } from "../../src/engine/types.ts";
import { translate } from "../../src/i18n/translate.ts";
import { answerTurn } from "./answer.ts";
import { parseConfigText } from "./config-command.ts";
import type { SlackHandlerContext } from "./context.ts";
import { errorSummary, slackErrorCode } from "./errors.ts";
import { escapeMrkdwn } from "./escape.ts";
import { firstDelivery } from "./events.ts";
import { slackTextToPlain } from "./inbound-text.ts";
import { markdownToMrkdwn } from "./mrkdwn.ts";
import { renderAnswerParts } from "./render-parts.ts";
import { DM_MAIN_THREAD } from "./routing.ts";
import { buildTurn } from "./turns.ts";

/** A response_url accepts five messages; a private answer longer than that is cut with a note. */
const MAX_RESPONSES = 5;

/** `/ask --private question` or `/ask -p question` answers only the asker. */
export function parseAskText(text: string): { question: string; isPrivate: boolean } {
  const match = /^\s*(?:--private|-p)(?:\s+|$)/i.exec(text);
  return match
    ? { question: text.slice(match[0].length).trim(), isPrivate: true }
    : { question: text.trim(), isPrivate: false };
}

function isDirectMessageChannel(command: SlashCommand): boolean {
  return command.channel_id.startsWith("D") || command.channel_name === "directmessage";
}

/**
 * The conversation a slash command belongs to when it is not tied to a thread: the top level of the
 * asker's DM with the bot, or elsewhere the asker's own private conversation there (what /reset and
 * /usage act on). A DM between two people is not the bot's: each of them has their own there.
 */
function commandThreadId(context: SlackHandlerContext, command: SlashCommand): string {
  const botDm =
    isDirectMessageChannel(command) && context.botDirectMessages.has(command.team_id, command.channel_id);
  return botDm ? DM_MAIN_THREAD : `private:${command.user_id}`;
}

/** The slash commands as this app spells them, for help texts: they must match the manifest. */
export function slackCommandNames(config: Config): CommandNames {
  return {
    ask: config.SLACK_COMMAND_ASK,
    reset: config.SLACK_COMMAND_RESET,
    usage: config.SLACK_COMMAND_USAGE,
    help: config.SLACK_COMMAND_HELP,
    config: config.SLACK_COMMAND_CONFIG,
  };
}

export function registerCommands(app: App, context: SlackHandlerContext): void {
  const { config } = context.services;
  const commandNames = slackCommandNames(config);
  app.command(config.SLACK_COMMAND_ASK, async ({ command, ack, respond }) => {
    if (!(await firstInvocation(context, command))) return ack();
    const { question, isPrivate } = parseAskText(command.text);
    const placeholder = isPrivate ? thinkingText(context, command) : undefined;
    await ack(placeholder ? { response_type: "ephemeral", text: placeholder } : undefined);
    context.runDetached("slack /ask", () => ask(context, command, question, isPrivate, respond));
  });
  const simple: [string, EngineCommand][] = [
    [config.SLACK_COMMAND_RESET, "reset"],
    [config.SLACK_COMMAND_USAGE, "usage"],
    [config.SLACK_COMMAND_HELP, "help"],
    [config.SLACK_COMMAND_CONFIG, "config"],
  ];
  for (const [name, engineCommand] of simple) {
    app.command(name, async ({ command, ack, respond }) => {
      await ack();
      if (!(await firstInvocation(context, command))) return;
      context.runDetached(`slack ${name}`, () =>
        engineCommandReply(context, command, engineCommand, commandNames, respond),
      );
    });
  }
}

/**
 * A captured signed command can be replayed for five minutes; trigger_id is unique to one invocation,
 * so a repeat is acknowledged and not run again.
 */
async function firstInvocation(context: SlackHandlerContext, command: SlashCommand): Promise<boolean> {
  if (!command.trigger_id) return true;
  const first = await firstDelivery(context, `slack:command:${command.trigger_id}`);
  if (!first) context.services.logger.debug({ command: command.command }, "slack command replayed; ignored");
  return first;
}

/**
 * reset, usage, help and config, answered privately. The engine decides who is an admin (users.info
 * or ADMIN_USER_IDS); for /config the profile is looked up afresh so that a revoked admin is refused.
 */
async function engineCommandReply(
  context: SlackHandlerContext,
  command: SlashCommand,
  engineCommand: EngineCommand,
  commandNames: CommandNames,
  respond: RespondFn,
): Promise<void> {
  const isConfig = engineCommand === "config";
  if (isConfig) await context.directory.refresh(command.team_id, command.user_id);
  const turn = await commandTurn(context, command, commandThreadId(context, command), "");
  const options: CommandOptions = { commandNames };
  if (isConfig) {
    const text = slackTextToPlain(command.text, { botUserId: context.botUserId, names: new Map() });
    // Text that does not parse gets the help, which shows admins the /config syntax.
    const settings = parseConfigText(text);
    if (settings) options.settings = settings;
  }
  if (engineCommand === "reset" && turn.isDirectMessage && turn.threadId !== DM_MAIN_THREAD) {
    // A DM not known to be the bot's (e.g. after a restart): its top level is only ever written in
    // the bot's own DM, so clearing it too is what the asker means and harms no one elsewhere.
    await context.services.engine.command("reset", { ...turn, threadId: DM_MAIN_THREAD }, options);
  }
  const result = await context.services.engine.command(engineCommand, turn, options);
  await respond({ response_type: "ephemeral", text: markdownToMrkdwn(result.text) });
}

/** The ack must leave within 3 s: only a cached locale is used, never a users.info call. */
function thinkingText(context: SlackHandlerContext, command: SlashCommand): string {
  const locale = context.directory.cached(command.team_id, command.user_id)?.locale;
  return escapeMrkdwn(translate(locale ?? context.services.config.BOT_LOCALE, "thinking"));
}

async function commandTurn(
  context: SlackHandlerContext,
  command: SlashCommand,
  threadId: string,
  text: string,
): Promise<InboundTurn> {
  return buildTurn(
    {
      teamId: command.team_id,
      channelId: command.channel_id,
      threadId,
      userId: command.user_id,
      text,
      isDirectMessage: isDirectMessageChannel(command),
      origin: "command",
      homeTeamId: context.homeTeamId,
    },
    context.directory,
    context.botUserId,
  );
}

/**
 * Public: the question is posted in the channel and answered in its thread (a DM: right below), so a
 * mention in that thread continues the conversation. Private, or where the bot may not post (a channel
 * it is not in, a DM between two people), the answer comes back ephemerally through response_url.
 */
async function ask(
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
      await answerTurn(
        context.answer,
        threadTurn,
        { channelId: command.channel_id, threadTs },
        context.signal,
        { showRefusal: (result) => refuseInPrivate(context, command, questionTs, result, respond) },
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
  result: EngineResult,
  respond: RespondFn,
): Promise<boolean> {
  try {
    await respond({
      response_type: "ephemeral",
      text: markdownToMrkdwn(result.text),
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
  if (!final || final.failure?.silent) return;
  const parts = renderAnswerParts(final.text, context.answer.partLimit);
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
