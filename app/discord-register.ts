/**
 * `npm run discord:register`: registers the slash commands without starting the bot (the bot also
 * does this at startup). With DISCORD_GUILD_ID set they appear in that server at once.
 */

import { describeError } from "../adapters/discord/errors.ts";
import { inviteUrl } from "../adapters/discord/permissions.ts";
import { registerFromConfig } from "../adapters/discord/registration.ts";
import { loadConfigOrExit } from "../src/config/load.ts";

// Registration talks to Discord only: no model key needed.
const config = loadConfigOrExit(process.env, { unused: ["OPENAI_API_KEY"] });
try {
  const result = await registerFromConfig(config);
  const where =
    result.scope === "guild"
      ? `to guild ${config.DISCORD_GUILD_ID}`
      : "globally (may take a while to appear)";
  process.stdout.write(`Registered ${result.count} slash commands ${where}.\n`);
  process.stdout.write(`Invite URL: ${inviteUrl(result.applicationId)}\n`);
} catch (error) {
  const { message, status } = describeError(error);
  const hint = status === 401 ? " Check DISCORD_TOKEN." : "";
  process.stderr.write(`Command registration failed: ${String(message)}${hint}\n`);
  process.exitCode = 1;
}
