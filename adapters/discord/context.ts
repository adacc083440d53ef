import type { Client } from "discord.js";
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
