import { channelScope, resolveSettings, workspaceScope } from "../conversation/settings-resolution.ts";
import { conversationKey, type InboundTurn } from "../conversation/turn.ts";
import { resolveLocale, translate } from "../i18n/translate.ts";
import type { CommandContext } from "./command-context.ts";
import type { EngineCommand, EngineResult } from "./events.ts";
import { applySettingsRequest } from "./settings-command.ts";
import type { CommandNames, CommandOptions } from "./types.ts";
import { usageReport } from "./usage-report.ts";

export const defaultCommandNames: CommandNames = {
  ask: "/ask",
  reset: "/reset",
  usage: "/usage",
  help: "/help",
  config: "/config",
};

export async function runCommand(
  command: EngineCommand,
  turn: InboundTurn,
  options: CommandOptions,
  context: CommandContext,
): Promise<EngineResult> {
  const locale = resolveLocale(turn.locale, context.defaults.locale);
  const done = (text: string, failed = false): EngineResult => ({
    text,
    usage: undefined,
    cached: false,
    finishReason: "stop",
    command,
    locale,
    ...(failed ? { failure: { code: "not_admin", message: text, audience: "asker" } } : {}),
  });
  switch (command) {
    case "reset": {
      const key = conversationKey(turn);
      // Queue behind an answer in flight, or it would write its pair back into the cleared history.
      const release = await context.order.acquire(key);
      try {
        await context.history.clear(key);
      } finally {
        release();
      }
      return done(translate(locale, "reset.done"));
    }
    case "usage":
      return done(await usageReport(turn, locale, context));
    case "help":
      return done(await helpText(turn, locale, options, context));
    case "config": {
      if (!isAdmin(turn, context)) return done(translate(locale, "error.not_admin"), true);
      if (!options.settings) return done(await helpText(turn, locale, options, context));
      return done(await applySettingsRequest(options.settings, turn, locale, context.settings));
    }
  }
}

function isAdmin(turn: InboundTurn, context: CommandContext): boolean {
  return context.governance ? context.governance.isAdmin(turn) : turn.isAdmin === true;
}

async function helpText(
  turn: InboundTurn,
  locale: string,
  options: CommandOptions,
  context: CommandContext,
): Promise<string> {
  const names = { ...defaultCommandNames, ...options.commandNames };
  const effective = await resolveSettings(context.settings, context.defaults, turn);
  const [workspace, channel] = await Promise.all([
    context.settings.get(workspaceScope(turn)),
    context.settings.get(channelScope(turn)),
  ]);
  const customized = Boolean(workspace?.systemPrompt || channel?.systemPrompt);
  const lines = [
    translate(locale, "help.text", {
      model: effective.model,
      commands: translate(locale, "help.commands", { ...names }),
    }),
    translate(locale, "help.settings", {
      model: effective.model,
      temperature: effective.temperature ?? translate(locale, "config.unset"),
      promptSource: translate(locale, customized ? "help.prompt_custom" : "help.prompt_default"),
    }),
  ];
  if (isAdmin(turn, context)) lines.push(translate(locale, "help.admin", { config: names.config }));
  return lines.join("\n");
}
