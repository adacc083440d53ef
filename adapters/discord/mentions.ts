import type { Client, Guild, Message } from "discord.js";

/** Looks up readable names for ids found in message text; undefined when unknown. */
export interface MentionNames {
  user(id: string): string | undefined;
  role(id: string): string | undefined;
  channel(id: string): string | undefined;
}

const USER = /<@!?(\d+)>/g;
const ROLE = /<@&(\d+)>/g;
const CHANNEL = /<#(\d+)>/g;
const CUSTOM_EMOJI = /<a?:(\w+):\d+>/g;
const SLASH_COMMAND = /<\/([\w -]+):\d+>/g;

/** How the bot itself can be mentioned: as a user, or through its managed integration role. */
export interface BotIdentity {
  userId: string;
  roleIds: readonly string[];
}

/**
 * Turns Discord's mention syntax into what a person sees, so the model reads names instead of
 * `<@123>`. The bot's own mentions are removed: they only say who the question is for.
 */
export function renderMentions(content: string, bot: BotIdentity, names: MentionNames): string {
  return content
    .replace(USER, (_whole, id: string) => (id === bot.userId ? "" : `@${names.user(id) ?? "unknown-user"}`))
    .replace(ROLE, (_whole, id: string) =>
      bot.roleIds.includes(id) ? "" : `@${names.role(id) ?? "unknown-role"}`,
    )
    .replace(CHANNEL, (_whole, id: string) => `#${names.channel(id) ?? "unknown-channel"}`)
    .replace(CUSTOM_EMOJI, (_whole, name: string) => `:${name}:`)
    .replace(SLASH_COMMAND, (_whole, name: string) => `/${name}`)
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

/**
 * The bot's identity in a message's guild. People often pick the bot's integration role from the
 * autocomplete instead of the bot, so that role counts as a mention too.
 */
export function botIdentity(botUserId: string, guild: Guild | null): BotIdentity {
  const roleIds = guild
    ? guild.roles.cache.filter((role) => role.tags?.botId === botUserId).map((role) => role.id)
    : [];
  return { userId: botUserId, roleIds };
}

/** Whether `message` addresses the bot by user or integration-role mention (not @everyone). */
export function mentionsBot(message: Message, bot: BotIdentity): boolean {
  return message.mentions.users.has(bot.userId) || bot.roleIds.some((id) => message.mentions.roles.has(id));
}

/** Names from what discord.js knows: the message's own mention data first, then the caches. */
export function namesFrom(client: Client, guild: Guild | null, message?: Message): MentionNames {
  return {
    user(id) {
      const member = message?.mentions.members?.get(id) ?? guild?.members.cache.get(id);
      if (member) return member.displayName;
      const user = message?.mentions.users.get(id) ?? client.users.cache.get(id);
      return user ? (user.globalName ?? user.username) : undefined;
    },
    role(id) {
      return (message?.mentions.roles.get(id) ?? guild?.roles.cache.get(id))?.name;
    },
    channel(id) {
      const channel = message?.mentions.channels.get(id) ?? client.channels.cache.get(id);
      return channel && "name" in channel && typeof channel.name === "string" ? channel.name : undefined;
    },
  };
}
