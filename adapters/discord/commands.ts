import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { CommandNames } from "../../src/index.ts";
import { CONFIG_COMMAND, configCommandDefinition } from "./config-command.ts";

export const COMMAND_NAMES = {
  ask: "ask",
  reset: "reset",
  usage: "usage",
  help: "help",
  config: CONFIG_COMMAND,
} as const;
export type CommandName = (typeof COMMAND_NAMES)[keyof typeof COMMAND_NAMES];

/** How the engine's help text spells the commands on Discord: exactly the registered names. */
export const HELP_COMMAND_NAMES: CommandNames = {
  ask: `/${COMMAND_NAMES.ask}`,
  reset: `/${COMMAND_NAMES.reset}`,
  usage: `/${COMMAND_NAMES.usage}`,
  help: `/${COMMAND_NAMES.help}`,
  config: `/${COMMAND_NAMES.config}`,
};

export const ASK_OPTIONS = { question: "question", private: "private" } as const;

/** Discord accepts up to 6000 characters in a string option; the engine bounds the window itself. */
const MAX_QUESTION_LENGTH = 6000;

/** Server channels and the bot's DMs; installed to servers (not as a user app). */
function everywhere(): Pick<
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  "type" | "contexts" | "integration_types"
> {
  return {
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

/** The bulk-overwrite payload: exactly the commands the bot handles, nothing stale left behind. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    {
      ...everywhere(),
      name: COMMAND_NAMES.ask,
      description: "Ask the assistant a question",
      description_localizations: { "zh-CN": "向助手提问" },
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: ASK_OPTIONS.question,
          description: "What you want to know",
          description_localizations: { "zh-CN": "你想问的问题" },
          required: true,
          max_length: MAX_QUESTION_LENGTH,
        },
        {
          type: ApplicationCommandOptionType.Boolean,
          name: ASK_OPTIONS.private,
          description: "Only you see the answer (and it is kept out of the channel's conversation)",
          description_localizations: { "zh-CN": "仅你可见（不计入频道的对话）" },
          required: false,
        },
      ],
    },
    {
      ...everywhere(),
      name: COMMAND_NAMES.reset,
      description: "Forget this channel's, thread's or DM's conversation",
      description_localizations: { "zh-CN": "清除此频道、子区或私信的对话" },
    },
    {
      ...everywhere(),
      name: COMMAND_NAMES.usage,
      description: "Show your token usage",
      description_localizations: { "zh-CN": "查看你的用量" },
    },
    {
      ...everywhere(),
      name: COMMAND_NAMES.help,
      description: "How to use the assistant",
      description_localizations: { "zh-CN": "使用说明" },
    },
    configCommandDefinition(),
  ];
}

export function isCommandName(name: string): name is CommandName {
  return Object.values(COMMAND_NAMES).includes(name as CommandName);
}
