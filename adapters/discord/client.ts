import { Client, type ClientOptions, GatewayIntentBits, Partials } from "discord.js";
import { noPings } from "./surfaces.ts";

/**
 * The discord.js client the adapter runs on. Guilds + GuildMessages + MessageContent read server
 * messages (MessageContent must also be switched on in the Developer Portal); DirectMessages with
 * the Channel partial receive DMs, which discord.js drops silently without it.
 */
export function createDiscordClient(apiUrl: string, overrides: Partial<ClientOptions> = {}): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    rest: { api: apiUrl },
    // A default for anything sent without options; every send also passes its own.
    allowedMentions: noPings(),
    // A reply to a message deleted meanwhile is sent as a plain message instead of failing.
    failIfNotExists: false,
    ...overrides,
  });
}
