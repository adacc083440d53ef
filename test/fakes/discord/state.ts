import {
  type ApiChannel,
  type ApiGuild,
  type ApiMessage,
  type ApiUser,
  EVERYONE_PERMISSIONS,
  member,
  Permission,
  role,
  snowflake,
  textChannel,
  user,
} from "./payloads.ts";

/** A message as the fake stores it: the API object plus what tests inspect. */
export interface StoredMessage {
  message: ApiMessage;
  deleted: boolean;
  /** Set for interaction responses and follow-ups. */
  interactionToken?: string;
  ephemeral: boolean;
  /** Every content the message had, first to last (posts and edits). */
  history: string[];
}

export interface StoredInteraction {
  id: string;
  token: string;
  channelId: string;
  guildId: string | undefined;
  /** The callback types received, e.g. [5] for a defer. */
  callbacks: number[];
  ephemeral: boolean;
  originalId: string | undefined;
  /** The deferred response was deleted before it showed anything. */
  withdrawn: boolean;
}

/**
 * The world the fake Discord serves: one guild with channels and members, DMs, messages and
 * interactions. Tests read it to see what the bot showed.
 */
export class FakeDiscordState {
  readonly applicationId = snowflake();
  /** Set by the server once it listens. */
  gatewayUrl = "";
  readonly bot: ApiUser = user(this.applicationId, "HelperBot", { bot: true });
  readonly alice = user(snowflake(), "alice", { global_name: "Alice A." });
  readonly bob = user(snowflake(), "bob");
  readonly otherBot = user(snowflake(), "another-bot", { bot: true });

  readonly guildId = snowflake();
  readonly roles = {
    everyone: role(this.guildId, "@everyone", EVERYONE_PERMISSIONS, { mentionable: false }),
    support: role(snowflake(), "Support"),
    botRole: role(snowflake(), "HelperBot", EVERYONE_PERMISSIONS, {
      managed: true,
      tags: { bot_id: this.bot.id },
    }),
  };
  readonly channels = {
    general: textChannel(this.guildId, snowflake(), "general"),
    random: textChannel(this.guildId, snowflake(), "random"),
    /** @everyone may read but not send: the bot must stay silent here. */
    readOnly: textChannel(this.guildId, snowflake(), "announcements-readonly", [
      { id: this.guildId, type: 0, allow: "0", deny: Permission.SendMessages.toString() },
    ]),
    /** Where an operator might point ADMIN_CHANNEL_ID. */
    admin: textChannel(this.guildId, snowflake(), "bot-admin"),
  };
  /** The server's preferred locale, sent in GUILD_CREATE (set before the bot connects). */
  preferredLocale = "en-US";
  readonly threads = new Map<string, ApiChannel>();
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, StoredInteraction>();
  /** Bodies of `PUT .../commands`, keyed by "global" or the guild id. */
  readonly registeredCommands = new Map<string, unknown>();

  guild(): ApiGuild {
    return {
      id: this.guildId,
      name: "Fake Guild",
      owner_id: this.alice.id,
      roles: Object.values(this.roles),
      members: [
        member(this.bot, [this.roles.botRole.id]),
        member(this.alice, [this.roles.support.id], "Alice (Support)"),
        member(this.bob),
      ],
      channels: Object.values(this.channels),
      threads: [...this.threads.values()],
      preferred_locale: this.preferredLocale,
    };
  }

  isGuildChannel(channelId: string): boolean {
    return (
      Object.values(this.channels).some((channel) => channel.id === channelId) || this.threads.has(channelId)
    );
  }

  knownUser(id: string): ApiUser | undefined {
    return [this.bot, this.alice, this.bob, this.otherBot].find((candidate) => candidate.id === id);
  }

  store(message: ApiMessage, extra: Partial<StoredMessage> = {}): StoredMessage {
    const stored: StoredMessage = {
      message,
      deleted: false,
      ephemeral: false,
      history: [message.content],
      ...extra,
    };
    this.messages.set(message.id, stored);
    return stored;
  }

  /** A channel as `GET /channels/:id` returns it: guild channels and threads the fake knows. */
  channel(id: string): ApiChannel | undefined {
    const known = Object.values(this.channels).find((channel) => channel.id === id) ?? this.threads.get(id);
    return known ? { ...known, guild_id: this.guildId } : undefined;
  }

  /** Messages visible in a channel, oldest first (ephemeral ones included, marked). */
  messagesIn(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter(
      (stored) => stored.message.channel_id === channelId && !stored.deleted,
    );
  }

  /** What the bot posted in a channel, oldest first. */
  botMessagesIn(channelId: string): ApiMessage[] {
    return this.messagesIn(channelId)
      .filter((stored) => stored.message.author.id === this.bot.id)
      .map((stored) => stored.message);
  }

  /** The original response and follow-ups of one interaction, in order. */
  interactionMessages(token: string): StoredMessage[] {
    return [...this.messages.values()].filter(
      (stored) => stored.interactionToken === token && !stored.deleted,
    );
  }
}
