/** Discord API objects, shaped as discord.js 14 parses them; only what the bot reads is filled in. */

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A real-looking snowflake: its timestamp is now, so discord.js derives sane creation dates. */
export function snowflake(): string {
  increment = (increment + 1n) % 4096n;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export interface ApiUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export function user(id: string, username: string, extra: Partial<ApiUser> = {}): ApiUser {
  return { id, username, global_name: null, discriminator: "0", avatar: null, ...extra };
}

export const ChannelTypes = { GuildText: 0, DM: 1, GuildAnnouncement: 5, PublicThread: 11 } as const;

/** Permission bits the fake guild hands out (see discord.js PermissionFlagsBits). */
export const Permission = {
  Administrator: 1n << 3n,
  ManageGuild: 1n << 5n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ReadMessageHistory: 1n << 16n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
} as const;

export const EVERYONE_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.ReadMessageHistory |
  Permission.CreatePublicThreads |
  Permission.SendMessagesInThreads;

export interface ApiOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface ApiChannel {
  id: string;
  type: number;
  name?: string;
  guild_id?: string;
  parent_id?: string | null;
  owner_id?: string;
  position?: number;
  permission_overwrites?: ApiOverwrite[];
  thread_metadata?: Record<string, unknown>;
  recipients?: ApiUser[];
  [key: string]: unknown;
}

export function textChannel(
  guildId: string,
  id: string,
  name: string,
  overwrites: ApiOverwrite[] = [],
): ApiChannel {
  return {
    id,
    type: ChannelTypes.GuildText,
    name,
    guild_id: guildId,
    position: 0,
    permission_overwrites: overwrites,
  };
}

export function threadChannel(
  guildId: string,
  parentId: string,
  id: string,
  name: string,
  ownerId: string,
): ApiChannel {
  return {
    id,
    type: ChannelTypes.PublicThread,
    name,
    guild_id: guildId,
    parent_id: parentId,
    owner_id: ownerId,
    message_count: 0,
    member_count: 1,
    rate_limit_per_user: 0,
    flags: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: new Date().toISOString(),
      locked: false,
    },
  };
}

export interface ApiRole {
  id: string;
  name: string;
  permissions: string;
  position: number;
  color: number;
  hoist: boolean;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: { bot_id?: string };
}

export function role(id: string, name: string, permissions = 0n, extra: Partial<ApiRole> = {}): ApiRole {
  return {
    id,
    name,
    permissions: permissions.toString(),
    position: 0,
    color: 0,
    hoist: false,
    managed: false,
    mentionable: true,
    flags: 0,
    ...extra,
  };
}

export interface ApiMember {
  user: ApiUser;
  nick: string | null;
  roles: string[];
  joined_at: string;
  deaf: boolean;
  mute: boolean;
  flags: number;
}

export function member(memberUser: ApiUser, roles: string[] = [], nick: string | null = null): ApiMember {
  return {
    user: memberUser,
    nick,
    roles,
    joined_at: new Date().toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
  };
}

export interface ApiGuild {
  id: string;
  name: string;
  owner_id: string;
  roles: ApiRole[];
  members: ApiMember[];
  channels: ApiChannel[];
  threads: ApiChannel[];
  /** Community servers choose it; all others report "en-US" (the default here too). */
  preferred_locale?: string;
}

export function guildCreatePayload(guild: ApiGuild): Record<string, unknown> {
  return {
    preferred_locale: "en-US",
    ...guild,
    unavailable: false,
    member_count: guild.members.length,
    large: false,
    joined_at: new Date().toISOString(),
    features: [],
    emojis: [],
    stickers: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    premium_tier: 0,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    system_channel_flags: 0,
    afk_timeout: 300,
  };
}

/** A file on a message, as Discord describes it (the bot never downloads it). */
export interface ApiAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
}

export function attachment(filename: string, contentType = "image/png"): ApiAttachment {
  const id = snowflake();
  const url = `https://cdn.discordapp.com/attachments/0/${id}/${filename}`;
  return { id, filename, size: 1234, url, proxy_url: url, content_type: contentType };
}

export interface ApiMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: ApiUser;
  member?: Omit<ApiMember, "user">;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: ApiUser[];
  mention_roles: string[];
  attachments: unknown[];
  embeds: unknown[];
  components: unknown[];
  pinned: boolean;
  type: number;
  flags: number;
  webhook_id?: string;
  application_id?: string;
  message_reference?: { message_id: string; channel_id: string; guild_id?: string; type?: number };
  referenced_message?: ApiMessage | null;
  channel_type?: number;
  [key: string]: unknown;
}

export function message(
  fields: Pick<ApiMessage, "channel_id" | "author" | "content"> & Partial<ApiMessage>,
): ApiMessage {
  return {
    id: snowflake(),
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    type: fields.message_reference ? 19 : 0,
    flags: 0,
    ...fields,
  };
}
