import { type Message, MessageReferenceType } from "discord.js";
import { LRUCache } from "lru-cache";
import type { ConversationAddress } from "../../src/index.ts";

/** Thread id of the one conversation a DM holds. */
export const DM_THREAD = "dm";
/** Thread id of a channel's own conversation (slash commands outside threads). */
export const CHANNEL_THREAD = "main";
/** Workspace id of DMs, which belong to no guild. */
export const DM_WORKSPACE = "dm";
/** Replies are walked up at most this far when the bot does not remember a chain. */
const MAX_CHAIN_DEPTH = 10;

/**
 * What the bot remembers about where conversations live: which conversation each question and
 * answer belongs to (so replying to one continues that conversation), and which threads it is in
 * (so later messages there need no mention). In memory, bounded; after a restart chains are found
 * again by walking message references, and threads the bot created by their owner.
 */
export class ConversationMemory {
  private readonly messageThreads = new LRUCache<string, string>({ max: 100_000 });
  private readonly activeThreads = new LRUCache<string, true>({ max: 20_000 });

  /** Records that `messageId` (a question or one of the bot's answers) belongs to `threadId`. */
  remember(messageId: string, threadId: string): void {
    this.messageThreads.set(messageId, threadId);
  }

  threadOf(messageId: string): string | undefined {
    return this.messageThreads.get(messageId);
  }

  activateThread(threadChannelId: string): void {
    this.activeThreads.set(threadChannelId, true);
  }

  isThreadActive(threadChannelId: string): boolean {
    return this.activeThreads.has(threadChannelId);
  }
}

export function dmAddress(channelId: string): ConversationAddress {
  return { platform: "discord", workspaceId: DM_WORKSPACE, channelId, threadId: DM_THREAD };
}

/** A thread channel is one conversation; the parent channel keeps keys readable and unique. */
export function threadAddress(
  guildId: string,
  parentId: string | null,
  threadChannelId: string,
): ConversationAddress {
  return {
    platform: "discord",
    workspaceId: guildId,
    channelId: parentId ?? threadChannelId,
    threadId: threadChannelId,
  };
}

export function channelAddress(guildId: string, channelId: string, threadId: string): ConversationAddress {
  return { platform: "discord", workspaceId: guildId, channelId, threadId };
}

/** A private (ephemeral) conversation beside a shared one: others must never see it in history. */
export function privateAddress(shared: ConversationAddress, userId: string): ConversationAddress {
  return { ...shared, threadId: `${shared.threadId}/private/${userId}` };
}

/**
 * The conversation a channel message belongs to: the one a remembered bot reply in its chain
 * belongs to, or else the root message of its reply chain (the message itself when it replies to
 * nothing). Messages missing from the cache are fetched; a chain that cannot be followed further
 * (deleted message, no Read Message History) is rooted where it breaks.
 */
export async function replyChainThread(message: Message, memory: ConversationMemory): Promise<string> {
  let current = message;
  for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth++) {
    const remembered = memory.threadOf(current.id);
    if (remembered) return remembered;
    const reference = current.reference;
    const parentId = reference?.messageId;
    const isReply =
      reference?.type !== MessageReferenceType.Forward && reference?.channelId === message.channelId;
    if (!parentId || !isReply) return current.id;
    const parent =
      current.channel.messages.cache.get(parentId) ??
      (await current.channel.messages.fetch(parentId).catch(() => undefined));
    if (!parent) return parentId;
    current = parent;
  }
  return current.id;
}
