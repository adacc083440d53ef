/** Platforms the engine knows by name; used in conversation keys and metrics labels. */
export type Platform = "discord" | "slack" | "console";

/**
 * One message from a person, normalized by an adapter. Nothing platform-specific beyond ids:
 * adapters resolve mentions to readable names before the text gets here.
 */
export interface InboundTurn {
  platform: Platform;
  /** Discord guild id, Slack team id; "dm" or the user's id for direct messages without a workspace. */
  workspaceId: string;
  channelId: string;
  /** Root of the conversation inside the channel: a thread id, the root of a reply chain, or "main". */
  threadId: string;
  userId: string;
  userName: string;
  text: string;
  isDirectMessage: boolean;
  /** BCP 47 tag such as "en-US" or "zh-CN", when the platform tells us. */
  locale?: string;
  /** A slash command rather than a message: refusals are then answered (privately), not ignored. */
  origin?: "message" | "command";
  /** The member's role ids, where the platform has roles (Discord servers). */
  roleIds?: readonly string[];
  /** The platform says this user administers the workspace (Manage Server, Slack admin/owner). */
  isAdmin?: boolean;
  /** Files sent with the message; the engine decides what becomes of them. */
  attachments?: readonly TurnAttachment[];
}

/** A file that came with a message, as the platform describes it; nothing is downloaded yet. */
export interface TurnAttachment {
  name: string;
  /** MIME type as the platform reports it (not trusted: the bytes decide once files are read). */
  contentType?: string;
  sizeBytes?: number;
}

/** The parts of a turn that identify its conversation. */
export type ConversationAddress = Pick<InboundTurn, "platform" | "workspaceId" | "channelId" | "threadId">;

/**
 * The one spelling of every key built from ids: parts percent-encoded and joined by ":", so that no
 * id containing ":" can make two different scopes collide.
 */
export function scopedKey(...parts: readonly string[]): string {
  return parts.map((part) => encodeURIComponent(part)).join(":");
}

/**
 * `platform:workspace:channel:thread`. The workspace is always part of the key so that two tenants
 * can never share a history, even if a platform reused a channel id.
 */
export function conversationKey(address: ConversationAddress): string {
  return scopedKey(address.platform, address.workspaceId, address.channelId, address.threadId);
}

/** `platform:workspace`: budgets and reports of one workspace. */
export function workspaceKey(turn: Pick<InboundTurn, "platform" | "workspaceId">): string {
  return scopedKey(turn.platform, turn.workspaceId);
}

/** `platform:workspace:user`: one person's counters in one workspace. */
export function userKey(turn: Pick<InboundTurn, "platform" | "workspaceId" | "userId">): string {
  return scopedKey(turn.platform, turn.workspaceId, turn.userId);
}
