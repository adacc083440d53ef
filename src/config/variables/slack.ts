import { env, variable } from "../variable.ts";

export const slackVariables = {
  SLACK_BOT_TOKEN: variable(env.string().optional(), {
    description: "Bot token (xoxb-…); with SLACK_SIGNING_SECRET enables the Slack adapter.",
    secret: true,
    example: "xoxb-your-bot-token",
  }),
  SLACK_SIGNING_SECRET: variable(env.string().optional(), {
    description:
      "Signing secret that verifies requests to /slack/events (HTTP mode). During a rotation, the old and the new secret comma-separated: either verifies.",
    secret: true,
    example: "your-signing-secret",
  }),
  SLACK_APP_TOKEN: variable(env.string().optional(), {
    description: "App-level token (xapp-…); switches the Slack adapter to Socket Mode.",
    secret: true,
  }),
  SLACK_API_URL: variable(env.url().default("https://slack.com/api/"), {
    description: "Web API base (WebClient `slackApiUrl`), for proxies and tests.",
  }),
  SLACK_REPLY_IN_THREADS: variable(env.enumOf(["mentions", "all"]).default("mentions"), {
    description:
      "`all`: in threads the bot has answered, every later human message is answered without a mention.",
  }),
  SLACK_UPDATE_INTERVAL_MS: variable(env.int(250, 60_000).default(1000), {
    description: "Minimum time between two edits of a streaming answer (chat.update is rate limited).",
  }),
  SLACK_NATIVE_STREAMING: variable(env.enumOf(["off", "auto"]).default("off"), {
    description:
      "`auto`: answers in threads stream through Slack's chat.startStream/appendStream/stopStream, falling back to post-and-update where Slack refuses; `off`: always post and update.",
  }),
  SLACK_COMMAND_ASK: variable(env.string().default("/ask"), {
    description: "Slash command that asks a question.",
  }),
  SLACK_COMMAND_RESET: variable(env.string().default("/reset"), {
    description: "Slash command that clears the conversation.",
  }),
  SLACK_COMMAND_USAGE: variable(env.string().default("/usage"), {
    description: "Slash command that shows usage.",
  }),
  SLACK_COMMAND_HELP: variable(env.string().default("/help"), {
    description: "Slash command that shows help.",
  }),
  SLACK_COMMAND_CONFIG: variable(env.string().default("/config"), {
    description:
      "Admin slash command that shows or changes the system prompt, model and temperature of a channel or the workspace.",
  }),
  SLACK_MAX_CONNECTIONS: variable(env.int(1, 100_000).default(128), {
    description:
      "HTTP mode: most connections open at once on PORT; more are closed at once (Slack retries its own).",
  }),
  PORT: variable(env.int(0, 65535).default(3000), {
    description: "HTTP port for Slack events (`POST /slack/events`) and health endpoints.",
  }),
};
