import { REST, Routes } from "discord.js";
import { commandDefinitions } from "./commands.ts";

export interface RegistrationResult {
  scope: "global" | "guild";
  count: number;
}

/** A REST client for one-off calls outside a gateway session (the register script). */
export function createRest(apiUrl: string, token: string): REST {
  return new REST({ api: apiUrl }).setToken(token);
}

/** The application (and so command owner) behind the bot token. */
export async function fetchApplicationId(rest: REST): Promise<string> {
  const application = (await rest.get(Routes.currentApplication())) as { id: string };
  return application.id;
}

/**
 * One bulk overwrite (`PUT`): creates, updates and removes commands in a single call, so repeated
 * registration is idempotent. Guild commands appear at once (development); global ones can take
 * a while to reach every client.
 */
export async function registerCommands(
  rest: REST,
  applicationId: string,
  guildId: string | undefined,
): Promise<RegistrationResult> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body: commandDefinitions() })) as unknown[];
  return { scope: guildId ? "guild" : "global", count: registered.length };
}

/** What `npm run discord:register` does: look up the application, overwrite its commands. */
export async function registerFromConfig(config: {
  DISCORD_TOKEN?: string | undefined;
  DISCORD_API_URL: string;
  DISCORD_GUILD_ID?: string | undefined;
}): Promise<RegistrationResult & { applicationId: string }> {
  if (!config.DISCORD_TOKEN)
    throw new Error("DISCORD_TOKEN is not set: it is the bot token from the Developer Portal.");
  const rest = createRest(config.DISCORD_API_URL, config.DISCORD_TOKEN);
  const applicationId = await fetchApplicationId(rest);
  const result = await registerCommands(rest, applicationId, config.DISCORD_GUILD_ID);
  return { ...result, applicationId };
}
