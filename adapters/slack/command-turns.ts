import type { SlashCommand } from "@slack/bolt";
import type { InboundTurn } from "../../src/index.ts";
import type { SlackHandlerContext } from "./context.ts";
import { DM_MAIN_THREAD } from "./routing.ts";
import { buildTurn } from "./turns.ts";

/** `/ask --private question` or `/ask -p question` answers only the asker. */
export function parseAskText(text: string): { question: string; isPrivate: boolean } {
  const match = /^\s*(?:--private|-p)(?:\s+|$)/i.exec(text);
  return match
    ? { question: text.slice(match[0].length).trim(), isPrivate: true }
    : { question: text.trim(), isPrivate: false };
}

export function isDirectMessageChannel(command: SlashCommand): boolean {
  return command.channel_id.startsWith("D") || command.channel_name === "directmessage";
}

/**
 * The conversation a slash command belongs to when it is not tied to a thread: the top level of the
 * asker's DM with the bot, or elsewhere the asker's own private conversation there (what /reset and
 * /usage act on). A DM between two people is not the bot's: each of them has their own there.
 */
export function commandThreadId(context: SlackHandlerContext, command: SlashCommand): string {
  const botDm =
    isDirectMessageChannel(command) && context.botDirectMessages.has(command.team_id, command.channel_id);
  return botDm ? DM_MAIN_THREAD : `private:${command.user_id}`;
}

export async function commandTurn(
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
