import { env, variable } from "../variable.ts";

export const discordVariables = {
  DISCORD_TOKEN: variable(env.string().optional(), {
    description: "Bot token; enables the Discord adapter.",
    secret: true,
    example: "your-discord-bot-token",
  }),
  DISCORD_API_URL: variable(env.url().default("https://discord.com/api"), {
    description: "REST base (discord.js `rest.api`), for proxies and tests.",
  }),
  DISCORD_GUILD_ID: variable(env.string().optional(), {
    description: "Register slash commands to this guild only (instant, for development); global when unset.",
  }),
  DISCORD_AUTO_THREAD: variable(env.bool().default(false), {
    description: "A mention in a channel opens a public thread on the message and answers there.",
  }),
  DISCORD_EDIT_INTERVAL_MS: variable(env.int(250, 3_600_000).default(1000), {
    description:
      "Least time between two edits of one streamed message; about once a second is what Discord tolerates.",
  }),
};
