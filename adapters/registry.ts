import type { Adapter, AdapterServices } from "../src/adapter.ts";
import type { Config } from "../src/config/config.ts";
import { createDiscordAdapter, isDiscordConfigured } from "./discord/index.ts";
import { createSlackAdapter, isSlackConfigured } from "./slack/index.ts";

export interface PlatformAdapter {
  name: string;
  /** The variables that enable it, for the "nothing configured" message. */
  credentials: string;
  isConfigured(config: Config): boolean;
  create(services: AdapterServices): Adapter;
}

/** The platforms `npm start` can run; the console adapter has its own entry (`npm run chat`). */
export const platformAdapters: PlatformAdapter[] = [
  {
    name: "Discord",
    credentials: "DISCORD_TOKEN",
    isConfigured: isDiscordConfigured,
    create: createDiscordAdapter,
  },
  {
    name: "Slack",
    credentials: "SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
    isConfigured: isSlackConfigured,
    create: createSlackAdapter,
  },
];
