import {
  ChannelType,
  type Message,
  PermissionFlagsBits,
  type PermissionsBitField,
  type SendableChannels,
} from "discord.js";
import {
  type ConversationAddress,
  type InboundTurn,
  type TurnAttachment,
  translate,
} from "../../src/index.ts";
import { answerOnDiscord, type DiscordContext } from "./context.ts";
import { channelAddress, dmAddress, replyChainThread, threadAddress } from "./conversations.ts";
import { displayName } from "./display-name.ts";
import { describeError } from "./errors.ts";
import { forwardedText } from "./forwarded.ts";
import { botIdentity, mentionsBot, namesFrom, renderMentions } from "./mentions.ts";
import { type ChannelReplyMode, ChannelSurface } from "./surfaces.ts";
import { messageFacts } from "./turn-facts.ts";

/** Discord's limit on thread names. */
const THREAD_NAME_LIMIT = 100;

/** Where and how one message is answered. */
interface AnswerPlan {
  address: ConversationAddress;
  channel: SendableChannels;
  mode: ChannelReplyMode;
  /** Messages posted here continue the conversation when someone replies to them. */
  rememberAs?: string;
}

/** Why a message is for the bot, decided from cached data alone (no REST calls). */
type Trigger = "dm" | "mention" | "reply" | "thread";

function triggerOf(ctx: DiscordContext, message: Message): Trigger | undefined {
  if (message.author.bot || message.webhookId || message.system) return undefined;
  const channel = message.channel;
  if (channel.type === ChannelType.DM) return "dm";
  if (!message.inGuild()) return undefined; // group DMs: bots cannot be in them
  const botId = ctx.client.user.id;
  const repliesToBot = message.mentions.repliedUser?.id === botId;
  // A reply pings the replied-to author by default, so a reply to the bot also "mentions" it: it
  // continues that reply chain (or thread) rather than starting a new conversation or thread.
  if (repliesToBot && !channel.isThread()) return "reply";
  if (mentionsBot(message, botIdentity(botId, message.guild))) return "mention";
  if (channel.isThread()) {
    // A reply to the bot also (re)joins it to a thread it forgot, e.g. after a restart.
    const active = ctx.memory.isThreadActive(channel.id) || channel.ownerId === botId || repliesToBot;
    return active ? "thread" : undefined;
  }
  return repliesToBot ? "reply" : undefined;
}

/** The bot's permissions in the message's channel; null when discord.js cannot tell (no member cache). */
function permissionsIn(ctx: DiscordContext, message: Message): Readonly<PermissionsBitField> | null {
  if (!message.inGuild()) return null;
  return message.channel.permissionsFor(ctx.client.user);
}

function threadName(text: string, fallback: string): string {
  const firstLine = text.split("\n", 1)[0]?.replace(/\s+/g, " ").trim() ?? "";
  const name = firstLine || fallback;
  return name.length <= THREAD_NAME_LIMIT ? name : `${name.slice(0, THREAD_NAME_LIMIT - 1)}…`;
}

async function planAnswer(
  ctx: DiscordContext,
  message: Message,
  trigger: Trigger,
  text: string,
  permissions: Readonly<PermissionsBitField> | null,
): Promise<AnswerPlan> {
  const channel = message.channel;
  if (!message.inGuild() || channel.type === ChannelType.DM) {
    return { address: dmAddress(channel.id), channel: channel as SendableChannels, mode: { kind: "send" } };
  }
  const guildId = message.guildId;
  const canReply = permissions?.has(PermissionFlagsBits.ReadMessageHistory) ?? true;
  const reply: ChannelReplyMode = canReply ? { kind: "reply", question: message } : { kind: "send" };
  const guildChannel = message.channel;
  if (guildChannel.isThread()) {
    ctx.memory.activateThread(guildChannel.id);
    return {
      address: threadAddress(guildId, guildChannel.parentId, guildChannel.id),
      channel: guildChannel,
      mode: reply,
    };
  }
  const canOpenThread =
    (guildChannel.type === ChannelType.GuildText || guildChannel.type === ChannelType.GuildAnnouncement) &&
    (permissions?.has(PermissionFlagsBits.CreatePublicThreads) ?? true);
  // A bare file gets a one-line note: not worth a thread of its own.
  if (ctx.services.config.DISCORD_AUTO_THREAD && trigger === "mention" && text !== "" && canOpenThread) {
    try {
      const thread = await message.startThread({
        name: threadName(text, `Question from ${message.author.username}`),
      });
      ctx.memory.activateThread(thread.id);
      return {
        address: threadAddress(guildId, guildChannel.id, thread.id),
        channel: thread,
        mode: { kind: "send" },
      };
    } catch (error) {
      ctx.services.logger.warn(
        { channelId: guildChannel.id, error: describeError(error) },
        "discord: could not open a thread; answering in the channel",
      );
    }
  }
  const threadId = await replyChainThread(message, ctx.memory);
  ctx.memory.remember(message.id, threadId);
  return {
    address: channelAddress(guildId, guildChannel.id, threadId),
    channel: guildChannel,
    mode: reply,
    rememberAs: threadId,
  };
}

/** The files of a message as the engine sees them. */
function attachmentsOf(message: Message): TurnAttachment[] {
  return [...message.attachments.values()].map((file) => ({
    name: file.name,
    ...(file.contentType ? { contentType: file.contentType } : {}),
    sizeBytes: file.size,
  }));
}

/** Answers a message if it is for the bot: DMs, mentions, replies to the bot, threads it is in. */
export async function handleMessage(ctx: DiscordContext, message: Message): Promise<void> {
  const trigger = triggerOf(ctx, message);
  if (!trigger) return;
  const { logger, dedupe } = ctx.services;
  const permissions = permissionsIn(ctx, message);
  const sendFlag = message.channel.isThread()
    ? PermissionFlagsBits.SendMessagesInThreads
    : PermissionFlagsBits.SendMessages;
  if (permissions && !permissions.has([PermissionFlagsBits.ViewChannel, sendFlag])) {
    logger.info(
      { channelId: message.channelId },
      "discord: no permission to answer in this channel; skipped",
    );
    return;
  }

  const guild = message.inGuild() ? message.guild : null;
  const render = (content: string) =>
    renderMentions(content, botIdentity(ctx.client.user.id, guild), namesFrom(ctx.client, guild, message));
  const forwarded = forwardedText(
    message,
    translate(ctx.services.engine.localeOf(messageFacts(message)), "note.forwarded"),
    render,
  );
  const text = [render(message.content), forwarded].filter((part) => part !== "").join("\n\n");
  const hasAttachments = message.attachments.size > 0;
  // Without a mention, only text or files are answered: a sticker in a thread is not a question.
  if (text === "" && !hasAttachments && (trigger === "thread" || trigger === "dm")) return;
  // After the cheap checks: a redelivered message (gateway resume) is answered once.
  if (!(await dedupe.firstSeen(`discord:msg:${message.id}`))) return;

  const plan = await planAnswer(ctx, message, trigger, text, permissions);
  const turn: InboundTurn = {
    ...plan.address,
    userId: message.author.id,
    userName: displayName(message.author, message.member),
    text,
    isDirectMessage: trigger === "dm",
    ...messageFacts(message),
    ...(hasAttachments ? { attachments: attachmentsOf(message) } : {}),
  };
  logger.info(
    { guildId: message.guildId, channelId: message.channelId, messageId: message.id, trigger },
    "discord: answering a message",
  );
  logger.debug({ messageId: message.id, text }, "discord: question text");

  const rememberAs = plan.rememberAs;
  const onPost = rememberAs ? (id: string) => ctx.memory.remember(id, rememberAs) : undefined;
  await answerOnDiscord(ctx, turn, new ChannelSurface(plan.channel, plan.mode, onPost));
}
