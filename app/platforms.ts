import { discordPlatform } from "../adapters/discord/index.ts";
import { slackPlatform } from "../adapters/slack/index.ts";
import type { PlatformAdapter } from "../src/index.ts";

export { discordPlatform, slackPlatform };

/** The platforms `npm start` can run; the console has its own entry (`npm run chat`). */
export const platformAdapters: PlatformAdapter[] = [discordPlatform, slackPlatform];
