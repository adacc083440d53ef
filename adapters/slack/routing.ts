import type { TurnAttachment } from "../../src/index.ts";
import { mentionsUser } from "./inbound-text.ts";

/** The fields of an `app_mention` or `message` event that decide whether and where to answer. */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  channel_type?: string;
  /** Files shared with the message (subtype file_share, or a mention with an upload). */
  files?: unknown[];
}

export type ReplyInThreads = "mentions" | "all";

export interface RoutingContext {
  botUserId: string;
  replyInThreads: ReplyInThreads;
  /** Whether the bot has answered in this thread of this channel before. */
  answeredThread(channelId: string, threadTs: string): boolean;
}

/** Where a human message is answered, and which conversation it belongs to. */
export interface Route {
  channelId: string;
  userId: string;
  text: string;
  /** Conversation key part: a thread's root ts, or "main" for a DM's top level. */
  threadId: string;
  /** Where the answer goes; undefined posts at the top level (a DM's own level). */
  replyThreadTs: string | undefined;
  isDirectMessage: boolean;
  /** Files shared with the message, as Slack describes them. */
  attachments: TurnAttachment[];
}

/** Human-written messages only: edits, deletions, joins and bot posts all arrive as subtypes. */
const humanSubtypes = new Set([undefined, "thread_broadcast", "file_share"]);

/** Conversation id of a DM's top level: one rolling conversation per DM, cleared by reset. */
export const DM_MAIN_THREAD = "main";

/**
 * Decides whether to answer an `app_mention` or `message` event. A channel mention produces both
 * events (if message.channels is subscribed), so plain messages that mention the bot are left to
 * app_mention; DMs are answered through message.im only.
 */
export function routeEvent(event: SlackMessageEvent, context: RoutingContext): Route | undefined {
  const { user, ts, channel } = event;
  if (!user || !ts || !channel) return undefined;
  if (event.bot_id || user === context.botUserId || !humanSubtypes.has(event.subtype)) return undefined;
  const text = event.text ?? "";
  const attachments = attachmentsOf(event.files);
  const isReply = event.thread_ts !== undefined && event.thread_ts !== ts;
  const isDirectMessage =
    event.channel_type === "im" || (event.type === "app_mention" && channel.startsWith("D"));

  if (event.type === "app_mention") {
    if (isDirectMessage) return undefined;
    const root = event.thread_ts ?? ts;
    return threadRoute({ channelId: channel, userId: user, text, attachments }, root);
  }
  if (event.type !== "message") return undefined;

  if (isDirectMessage) {
    const root = isReply ? event.thread_ts : undefined;
    return {
      channelId: channel,
      userId: user,
      text,
      threadId: root ?? DM_MAIN_THREAD,
      replyThreadTs: root,
      isDirectMessage: true,
      attachments,
    };
  }
  // Group DMs (mpim): a mention may come as message.mpim alone, without an app_mention twin; when
  // both come, the second is the same message (same ts) and is answered once.
  if (event.channel_type === "mpim" && mentionsUser(text, context.botUserId)) {
    const root = event.thread_ts ?? ts;
    return threadRoute({ channelId: channel, userId: user, text, attachments }, root);
  }
  if (context.replyInThreads !== "all" || !isReply || !event.thread_ts) return undefined;
  if (mentionsUser(text, context.botUserId)) return undefined;
  if (!context.answeredThread(channel, event.thread_ts)) return undefined;
  return {
    channelId: channel,
    userId: user,
    text,
    threadId: event.thread_ts,
    replyThreadTs: event.thread_ts,
    isDirectMessage: false,
    attachments,
  };
}

/** Slack file objects (`name`, `mimetype`, `size`); anything unreadable is still a file. */
function attachmentsOf(files: unknown[] | undefined): TurnAttachment[] {
  if (!Array.isArray(files)) return [];
  return files.map((file) => {
    const { name, mimetype, size } = (file ?? {}) as { name?: unknown; mimetype?: unknown; size?: unknown };
    return {
      name: typeof name === "string" ? name : "file",
      ...(typeof mimetype === "string" ? { contentType: mimetype } : {}),
      ...(typeof size === "number" ? { sizeBytes: size } : {}),
    };
  });
}

/** A reply in the thread rooted at `root`, which is also the conversation. */
function threadRoute(
  message: Pick<Route, "channelId" | "userId" | "text" | "attachments">,
  root: string,
): Route {
  return { ...message, threadId: root, replyThreadTs: root, isDirectMessage: false };
}
