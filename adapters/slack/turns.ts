import type { InboundTurn, TurnAttachment } from "../../src/index.ts";
import { mentionedUserIds, slackTextToPlain } from "./inbound-text.ts";
import type { SlackUserDirectory } from "./user-directory.ts";

export interface TurnSource {
  teamId: string;
  channelId: string;
  threadId: string;
  userId: string;
  /** Slack-formatted text as received. */
  text: string;
  isDirectMessage: boolean;
  origin: "message" | "command";
  attachments?: readonly TurnAttachment[];
  /**
   * The workspace the bot is installed in (auth.test). An admin of another organization, met in a
   * Slack Connect channel, administers their workspace, not ours.
   */
  homeTeamId?: string | undefined;
}

function isHomeTeamMember(userTeamId: string | undefined, homeTeamId: string | undefined): boolean {
  return !homeTeamId || !userTeamId || userTeamId === homeTeamId;
}

/** Normalizes a Slack message into an engine turn: readable names, the bot's mention gone. */
export async function buildTurn(
  source: TurnSource,
  directory: SlackUserDirectory,
  botUserId: string,
): Promise<InboundTurn> {
  const mentioned = mentionedUserIds(source.text).filter((id) => id !== botUserId);
  const [names, author] = await Promise.all([
    directory.names(source.teamId, mentioned),
    directory.profile(source.teamId, source.userId),
  ]);
  return {
    platform: "slack",
    workspaceId: source.teamId,
    channelId: source.channelId,
    threadId: source.threadId,
    userId: source.userId,
    userName: author.name,
    text: slackTextToPlain(source.text, { botUserId, names }),
    isDirectMessage: source.isDirectMessage,
    origin: source.origin,
    isAdmin: author.isAdmin && isHomeTeamMember(author.teamId, source.homeTeamId),
    ...(source.attachments?.length ? { attachments: source.attachments } : {}),
    ...(author.locale ? { locale: author.locale } : {}),
  };
}
