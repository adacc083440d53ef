import type { AdapterServices, Config, PlatformAdapter } from "../../src/index.ts";
import { DiscordAdapter, type DiscordAdapterOptions } from "./adapter.ts";

export { DiscordStartError } from "./errors.ts";
export { inviteUrl, REQUIRED_PERMISSIONS } from "./permissions.ts";
export type { DiscordAdapterOptions };
export { DiscordAdapter };

/** The Discord adapter runs when a bot token is configured. */
export function isDiscordConfigured(config: Config): boolean {
  return Boolean(config.DISCORD_TOKEN);
}

export function createDiscordAdapter(
  services: AdapterServices,
  options?: DiscordAdapterOptions,
): DiscordAdapter {
  return new DiscordAdapter(services, options);
}

export const discordPlatform: PlatformAdapter = {
  name: "Discord",
  credentials: "DISCORD_TOKEN",
  isConfigured: isDiscordConfigured,
  create: (services) => createDiscordAdapter(services),
};
