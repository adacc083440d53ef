import type { App, RespondFn, SlashCommand } from "@slack/bolt";
import type { CommandNames, CommandOptions, Config, EngineCommand } from "../../src/index.ts";
import { ask, thinkingText } from "./ask-command.ts";
import { commandThreadId, commandTurn, parseAskText } from "./command-turns.ts";
import { parseConfigText } from "./config-command.ts";
import type { SlackHandlerContext } from "./context.ts";
import { firstDelivery } from "./events.ts";
import { slackTextToPlain } from "./inbound-text.ts";
import { markdownToMrkdwn } from "./mrkdwn.ts";
import { DM_MAIN_THREAD } from "./routing.ts";

/** The slash commands as this app spells them, for help texts: they must match the manifest. */
export function slackCommandNames(config: Config): CommandNames {
  return {
    ask: config.SLACK_COMMAND_ASK,
    reset: config.SLACK_COMMAND_RESET,
    usage: config.SLACK_COMMAND_USAGE,
    help: config.SLACK_COMMAND_HELP,
    config: config.SLACK_COMMAND_CONFIG,
  };
}

export function registerCommands(app: App, context: SlackHandlerContext): void {
  const { config } = context.services;
  const commandNames = slackCommandNames(config);
  app.command(config.SLACK_COMMAND_ASK, async ({ command, ack, respond }) => {
    if (!(await firstInvocation(context, command))) return ack();
    const { question, isPrivate } = parseAskText(command.text);
    const placeholder = isPrivate ? thinkingText(context, command) : undefined;
    await ack(placeholder ? { response_type: "ephemeral", text: placeholder } : undefined);
    context.runDetached("slack /ask", () => ask(context, command, question, isPrivate, respond));
  });
  const simple: [string, EngineCommand][] = [
    [config.SLACK_COMMAND_RESET, "reset"],
    [config.SLACK_COMMAND_USAGE, "usage"],
    [config.SLACK_COMMAND_HELP, "help"],
    [config.SLACK_COMMAND_CONFIG, "config"],
  ];
  for (const [name, engineCommand] of simple) {
    app.command(name, async ({ command, ack, respond }) => {
      await ack();
      if (!(await firstInvocation(context, command))) return;
      context.runDetached(`slack ${name}`, () =>
        engineCommandReply(context, command, engineCommand, commandNames, respond),
      );
    });
  }
}

/**
 * A captured signed command can be replayed for five minutes; trigger_id is unique to one invocation,
 * so a repeat is acknowledged and not run again.
 */
async function firstInvocation(context: SlackHandlerContext, command: SlashCommand): Promise<boolean> {
  if (!command.trigger_id) return true;
  const first = await firstDelivery(context, `slack:command:${command.trigger_id}`);
  if (!first) context.services.logger.debug({ command: command.command }, "slack command replayed; ignored");
  return first;
}

/**
 * reset, usage, help and config, answered privately. The engine decides who is an admin (users.info
 * or ADMIN_USER_IDS); for /config the profile is looked up afresh so that a revoked admin is refused.
 */
async function engineCommandReply(
  context: SlackHandlerContext,
  command: SlashCommand,
  engineCommand: EngineCommand,
  commandNames: CommandNames,
  respond: RespondFn,
): Promise<void> {
  const isConfig = engineCommand === "config";
  if (isConfig) await context.directory.refresh(command.team_id, command.user_id);
  const turn = await commandTurn(context, command, commandThreadId(context, command), "");
  const options: CommandOptions = { commandNames };
  if (isConfig) {
    const text = slackTextToPlain(command.text, { botUserId: context.botUserId, names: new Map() });
    // Text that does not parse gets the help, which shows admins the /config syntax.
    const settings = parseConfigText(text);
    if (settings) options.settings = settings;
  }
  if (engineCommand === "reset" && turn.isDirectMessage && turn.threadId !== DM_MAIN_THREAD) {
    // A DM not known to be the bot's (e.g. after a restart): its top level is only ever written in
    // the bot's own DM, so clearing it too is what the asker means and harms no one elsewhere.
    await context.services.engine.command("reset", { ...turn, threadId: DM_MAIN_THREAD }, options);
  }
  const result = await context.services.engine.command(engineCommand, turn, options);
  await respond({ response_type: "ephemeral", text: markdownToMrkdwn(result.text) });
}
