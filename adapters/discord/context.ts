import type { Client, GuildMember, User } from "discord.js";
import type { AdapterServices } from "../../src/index.ts";
import type { ConversationMemory } from "./conversations.ts";

/** What the message and interaction handlers share. */
export interface DiscordContext {
  client: Client<true>;
  services: AdapterServices;
  memory: ConversationMemory;
  editIntervalMs: number;
  /** Aborted when the shutdown deadline passes, so answers still streaming end with a short message. */
  stopping: AbortSignal;
}

/** The name people see: server nickname, then global display name, then username. */
export function displayName(
  user: User,
  member: GuildMember | { nick?: string | null } | null | undefined,
): string {
  if (member && "displayName" in member) return member.displayName;
  return member?.nick ?? user.globalName ?? user.username;
}
