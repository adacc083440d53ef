import type { GuildMember, User } from "discord.js";

/** The name people see: server nickname, then global display name, then username. */
export function displayName(
  user: User,
  member: GuildMember | { nick?: string | null } | null | undefined,
): string {
  if (member && "displayName" in member) return member.displayName;
  return member?.nick ?? user.globalName ?? user.username;
}
