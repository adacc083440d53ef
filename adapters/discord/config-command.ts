import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { SettingName, SettingsRequest } from "../../src/index.ts";

export const CONFIG_COMMAND = "config";
export const CONFIG_SETTINGS = ["system-prompt", "model", "temperature"] as const satisfies SettingName[];
export const CONFIG_ACTIONS = ["show", "set", "reset"] as const;
export const CONFIG_OPTIONS = { scope: "scope", value: "value" } as const;

/** Discord's own cap on string options; the engine checks the length again. */
const MAX_PROMPT_LENGTH = 6000;
const MAX_MODEL_LENGTH = 200;

const settingText: Record<SettingName, { description: string; zh: string }> = {
  "system-prompt": { description: "The instructions the model gets first", zh: "模型首先收到的指令" },
  model: { description: "The model that answers", zh: "回答所用的模型" },
  temperature: { description: "Sampling temperature, 0 to 2", zh: "采样温度，0 到 2" },
};

function scopeOption(): APIApplicationCommandBasicOption {
  return {
    type: ApplicationCommandOptionType.String,
    name: CONFIG_OPTIONS.scope,
    description: "This channel (default) or the whole server",
    description_localizations: { "zh-CN": "此频道（默认）或整个服务器" },
    required: false,
    choices: [
      { name: "channel", value: "channel", name_localizations: { "zh-CN": "频道" } },
      { name: "workspace", value: "workspace", name_localizations: { "zh-CN": "整个服务器" } },
    ],
  };
}

/** The new value; a number with Discord's own range check for the temperature. */
function valueOption(setting: SettingName): APIApplicationCommandBasicOption {
  const common = {
    name: CONFIG_OPTIONS.value,
    description: "The new value",
    description_localizations: { "zh-CN": "新的值" },
    required: true,
  };
  if (setting === "temperature")
    return { ...common, type: ApplicationCommandOptionType.Number, min_value: 0, max_value: 2 };
  return {
    ...common,
    type: ApplicationCommandOptionType.String,
    max_length: setting === "model" ? MAX_MODEL_LENGTH : MAX_PROMPT_LENGTH,
  };
}

function subcommands(setting: SettingName): APIApplicationCommandSubcommandOption[] {
  const sub = (
    name: (typeof CONFIG_ACTIONS)[number],
    description: string,
    zh: string,
    options: APIApplicationCommandBasicOption[],
  ): APIApplicationCommandSubcommandOption => ({
    type: ApplicationCommandOptionType.Subcommand,
    name,
    description,
    description_localizations: { "zh-CN": zh },
    options,
  });
  return [
    sub("show", "Show the current settings", "查看当前设置", [scopeOption()]),
    // Discord wants required options before optional ones.
    sub("set", `Set the ${setting}`, "设置新的值", [valueOption(setting), scopeOption()]),
    sub("reset", `Go back to the default ${setting}`, "恢复默认值", [scopeOption()]),
  ];
}

/**
 * `/config <setting> show|set|reset [value] [scope]`. Only members with Manage Server see it
 * (`default_member_permissions`), in servers only; the handler checks again on use, because server
 * admins can grant the command to others in Server Settings → Integrations.
 */
export function configCommandDefinition(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: CONFIG_COMMAND,
    description: "Change the assistant's settings (server admins)",
    description_localizations: { "zh-CN": "修改助手设置（服务器管理员）" },
    default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
    dm_permission: false,
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: CONFIG_SETTINGS.map((setting) => ({
      type: ApplicationCommandOptionType.SubcommandGroup,
      name: setting,
      description: settingText[setting].description,
      description_localizations: { "zh-CN": settingText[setting].zh },
      options: subcommands(setting),
    })),
  };
}

function isOneOf<T extends string>(values: readonly T[], value: string | null): value is T {
  return value !== null && (values as readonly string[]).includes(value);
}

/** What the admin asked for; undefined for a shape the bot never registered (stale client). */
export function parseConfigRequest(interaction: ChatInputCommandInteraction): SettingsRequest | undefined {
  const setting = interaction.options.getSubcommandGroup(false);
  const action = interaction.options.getSubcommand(false);
  if (!isOneOf(CONFIG_SETTINGS, setting) || !isOneOf(CONFIG_ACTIONS, action)) return undefined;
  const scope =
    interaction.options.getString(CONFIG_OPTIONS.scope, false) === "workspace" ? "workspace" : "channel";
  if (action !== "set") return { scope, setting, action };
  // Read the option whatever its type, so a value the engine rejects gets the engine's message.
  const raw = interaction.options.get(CONFIG_OPTIONS.value, false)?.value;
  return { scope, setting, action, value: raw === undefined ? "" : String(raw) };
}
