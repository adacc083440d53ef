import { coreVariables } from "./core.ts";
import { discordVariables } from "./discord.ts";
import { governanceVariables } from "./governance.ts";
import { opsVariables } from "./ops.ts";
import { slackVariables } from "./slack.ts";

/** Every variable the bot reads, grouped for the README; one place for all defaults. */
export const variableGroups = {
  Core: coreVariables,
  Discord: discordVariables,
  Slack: slackVariables,
  Governance: governanceVariables,
  Operations: opsVariables,
} as const;

export const allVariables = {
  ...coreVariables,
  ...discordVariables,
  ...slackVariables,
  ...governanceVariables,
  ...opsVariables,
};
