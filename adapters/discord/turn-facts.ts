import {
  type APIInteractionGuildMember,
  type ChatInputCommandInteraction,
  type GuildMember,
  type Message,
  PermissionFlagsBits,
  type PermissionsBitField,
} from "discord.js";
import type { InboundTurn } from "../../src/index.ts";

/** What governance needs to know about the person behind a turn, beyond ids and text. */
export type TurnFacts = Pick<InboundTurn, "origin" | "roleIds" | "isAdmin" | "locale">;

/**
 * Discord's "server admin": Manage Server, or Administrator (which `has` counts as every
 * permission). The same bit `/config` is registered with as `default_member_permissions`.
 */
export function hasAdminPermission(permissions: Readonly<PermissionsBitField> | null | undefined): boolean {
  return permissions?.has(PermissionFlagsBits.ManageGuild) === true;
}

/** A member's role ids, whether discord.js built a GuildMember or passed the raw API member on. */
export function roleIdsOf(member: GuildMember | APIInteractionGuildMember | null | undefined): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? [...member.roles] : [...member.roles.cache.keys()];
}

/**
 * A slash command: permissions as Discord computed them for this member in this channel, and the
 * locale of the user's client (falling back to the server's preferred locale).
 */
export function interactionFacts(interaction: ChatInputCommandInteraction): TurnFacts {
  const locale = interaction.locale ?? interaction.guildLocale ?? undefined;
  return {
    origin: "command",
    roleIds: roleIdsOf(interaction.member),
    isAdmin: hasAdminPermission(interaction.memberPermissions),
    ...(locale ? { locale } : {}),
  };
}

/**
 * A message carries no user locale: the server's preferred locale is the best guess, and DMs fall
 * back to BOT_LOCALE (the engine's default). Permissions are the member's server-wide ones.
 */
export function messageFacts(message: Message): TurnFacts {
  const member = message.inGuild() ? message.member : null;
  const locale = message.inGuild() ? message.guild.preferredLocale : undefined;
  return {
    origin: "message",
    roleIds: roleIdsOf(member),
    isAdmin: hasAdminPermission(member?.permissions),
    ...(locale ? { locale } : {}),
  };
}
