import {
  type ApiAttachment,
  type ApiChannel,
  type ApiMessage,
  type ApiUser,
  ChannelTypes,
  member,
  message,
  snowflake,
  threadChannel,
} from "./payloads.ts";
import type { FakeDiscord } from "./server.ts";

export interface UserMessageOptions {
  channelId: string;
  content: string;
  author?: ApiUser;
  /** Makes it a reply; by default the reply pings the replied-to author, as Discord's client does. */
  replyTo?: ApiMessage;
  pingReply?: boolean;
  /** Reuse an id to simulate a redelivery (gateway resume). */
  id?: string;
  webhookId?: string;
  attachments?: ApiAttachment[];
}

/** Messages carry the author's member object (as the guild knows it) without its user. */
function memberWithoutUser(fake: FakeDiscord, author: ApiUser) {
  const known = fake.state.guild().members.find((candidate) => candidate.user.id === author.id);
  const { user: _user, ...rest } = known ?? member(author);
  return rest;
}

/** `<@id>` for a user, as Discord writes mentions in content. */
export const mention = (user: ApiUser) => `<@${user.id}>`;
export const roleMention = (roleId: string) => `<@&${roleId}>`;
export const channelMention = (channel: ApiChannel) => `<#${channel.id}>`;

/**
 * A person (or bot) posting in the fake: builds MESSAGE_CREATE as Discord would (mentions parsed
 * from the content, DM channel type, reply reference), stores the message and dispatches it.
 */
export function sendUserMessage(fake: FakeDiscord, options: UserMessageOptions): ApiMessage {
  const { state } = fake;
  const author = options.author ?? state.alice;
  const inGuild = state.isGuildChannel(options.channelId);
  const mentioned = [...options.content.matchAll(/<@!?(\d+)>/g)]
    .map((match) => state.knownUser(match[1] ?? ""))
    .filter((user): user is ApiUser => user !== undefined);
  const replied = options.replyTo;
  if (replied && options.pingReply !== false && !mentioned.some((user) => user.id === replied.author.id)) {
    mentioned.push(replied.author);
  }
  const created = message({
    channel_id: options.channelId,
    author,
    content: options.content,
    mentions: mentioned,
    mention_roles: [...options.content.matchAll(/<@&(\d+)>/g)].map((match) => match[1] ?? ""),
    mention_everyone: /@(everyone|here)/.test(options.content),
    ...(options.id ? { id: options.id } : {}),
    ...(options.webhookId ? { webhook_id: options.webhookId } : {}),
    ...(options.attachments ? { attachments: options.attachments } : {}),
    ...(inGuild
      ? { guild_id: state.guildId, member: memberWithoutUser(fake, author) }
      : { channel_type: ChannelTypes.DM }),
    ...(replied
      ? {
          message_reference: {
            message_id: replied.id,
            channel_id: options.channelId,
            ...(inGuild ? { guild_id: state.guildId } : {}),
          },
          referenced_message: replied,
        }
      : {}),
  });
  state.store(created);
  fake.dispatch("MESSAGE_CREATE", created);
  return created;
}

/** A thread someone else opened in a channel (THREAD_CREATE); the bot is not in it yet. */
export function openThread(fake: FakeDiscord, parentId: string, name: string, owner: ApiUser): ApiChannel {
  const thread = threadChannel(fake.state.guildId, parentId, snowflake(), name, owner.id);
  fake.state.threads.set(thread.id, thread);
  fake.dispatch("THREAD_CREATE", { ...thread, newly_created: true });
  return thread;
}

export type OptionValue = string | number | boolean;

export interface InteractionOptions {
  command: string;
  /** Option values by name; strings become type 3, numbers type 10, booleans type 5. */
  options?: Record<string, OptionValue>;
  /** For commands with subcommands, e.g. `/config system-prompt set`: group "system-prompt", subcommand "set". */
  subcommandGroup?: string;
  subcommand?: string;
  channelId: string;
  user?: ApiUser;
  /** A DM interaction carries `user` instead of `member` and no guild. */
  dm?: boolean;
  /** The user's client locale; "en-US" by default. */
  locale?: string;
  /** The member's permissions in the channel, as Discord computes them for the interaction. */
  permissions?: bigint;
}

function optionType(value: OptionValue): number {
  if (typeof value === "boolean") return 5;
  return typeof value === "number" ? 10 : 3;
}

/** `data.options` as Discord nests them: group, then subcommand, then the values. */
function commandOptions(options: InteractionOptions): unknown[] {
  const values = Object.entries(options.options ?? {}).map(([name, value]) => ({
    name,
    type: optionType(value),
    value,
  }));
  if (!options.subcommand) return values;
  const subcommand = { name: options.subcommand, type: 1, options: values };
  return options.subcommandGroup
    ? [{ name: options.subcommandGroup, type: 2, options: [subcommand] }]
    : [subcommand];
}

/** A slash command invocation (INTERACTION_CREATE); returns its id and token. */
export function sendInteraction(
  fake: FakeDiscord,
  options: InteractionOptions,
): { id: string; token: string } {
  const { state } = fake;
  const user = options.user ?? state.alice;
  const id = snowflake();
  const token = `interaction-token-${id}`;
  const thread = state.threads.get(options.channelId);
  const guildId = options.dm ? undefined : state.guildId;
  state.interactions.set(token, {
    id,
    token,
    channelId: options.channelId,
    guildId,
    callbacks: [],
    ephemeral: false,
    originalId: undefined,
    withdrawn: false,
  });
  const channel: Record<string, unknown> = options.dm
    ? { id: options.channelId, type: ChannelTypes.DM, recipients: [user] }
    : (thread ?? { id: options.channelId, type: ChannelTypes.GuildText, guild_id: guildId, name: "channel" });
  fake.dispatch("INTERACTION_CREATE", {
    id,
    application_id: state.applicationId,
    type: 2,
    token,
    version: 1,
    locale: options.locale ?? "en-US",
    ...(options.dm ? {} : { guild_locale: state.preferredLocale }),
    entitlements: [],
    authorizing_integration_owners: {},
    app_permissions: "0",
    channel_id: options.channelId,
    channel,
    ...(options.dm
      ? { user, context: 1 }
      : {
          guild_id: guildId,
          member: {
            ...memberWithoutUser(fake, user),
            user,
            permissions: (options.permissions ?? 0n).toString(),
          },
          context: 0,
        }),
    data: { id: snowflake(), name: options.command, type: 1, options: commandOptions(options) },
  });
  return { id, token };
}
