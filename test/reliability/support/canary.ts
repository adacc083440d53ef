import { FAKE_DISCORD_TOKEN } from "../../fakes/discord/server.ts";

/**
 * Distinctive secrets the whole reliability suite runs with. Every one contains the marker, so a scan
 * for the marker also catches a secret that leaked cut in half. No question in the suite contains it.
 */
export const CANARY_MARKER = "CANARY";

export const CANARY = {
  openaiKey: "sk-CANARY-reliability-openai-5b1e",
  /** Swapped in from a secret file while the bot runs, and one the endpoint refuses on reload. */
  openaiKeyRotated: "sk-CANARY-reliability-rotated-5b1e",
  openaiKeyRefused: "sk-CANARY-reliability-refused-5b1e",
  slackBotToken: "xoxb-CANARY-reliability-bot-5b1e",
  slackAppToken: "xapp-CANARY-reliability-app-5b1e",
  slackSigningSecret: "CANARY-reliability-signing-5b1e",
  /** The fake Discord only accepts its own token; it carries the marker too. */
  discordToken: FAKE_DISCORD_TOKEN,
  redisPassword: "CANARY-reliability-redis-5b1e",
} as const;

/** Interaction tokens authorize replies for 15 minutes: as secret as a bot token while they live. */
export const INTERACTION_TOKEN_PREFIX = "interaction-token-";

/** Where each secret occurs in `text`, as `label: secret` lines; empty when nothing leaked. */
export function canaryLeaks(label: string, text: string): string[] {
  const leaks: string[] = [];
  let rest = text;
  for (const [name, secret] of Object.entries(CANARY)) {
    if (!rest.includes(secret)) continue;
    leaks.push(`${label}: ${name}`);
    rest = rest.replaceAll(secret, "");
  }
  if (rest.includes(CANARY_MARKER)) leaks.push(`${label}: a part of a secret`);
  return leaks;
}
