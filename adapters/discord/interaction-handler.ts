import { type ChatInputCommandInteraction, type Interaction, MessageFlags } from "discord.js";
import { type ConversationAddress, type InboundTurn, showText } from "../../src/index.ts";
import { ASK_OPTIONS, COMMAND_NAMES, HELP_COMMAND_NAMES, isCommandName } from "./commands.ts";
import { parseConfigRequest } from "./config-command.ts";
import { answerOnDiscord, type DiscordContext } from "./context.ts";
import { CHANNEL_THREAD, channelAddress, dmAddress, privateAddress, threadAddress } from "./conversations.ts";
import { displayName } from "./display-name.ts";
import { botIdentity, namesFrom, renderMentions } from "./mentions.ts";
import { InteractionSurface } from "./surfaces.ts";
import { interactionFacts } from "./turn-facts.ts";

/** The conversation a command acts on: the DM, the thread, or the channel's own conversation. */
function sharedAddress(interaction: ChatInputCommandInteraction): ConversationAddress {
  const channelId = interaction.channelId;
  if (!interaction.guildId) return dmAddress(channelId);
  const channel = interaction.channel;
  if (channel?.isThread()) return threadAddress(interaction.guildId, channel.parentId, channel.id);
  return channelAddress(interaction.guildId, channelId, CHANNEL_THREAD);
}

/** Commands whose output concerns the caller alone. */
const PRIVATE_COMMANDS = new Set<string>([COMMAND_NAMES.usage, COMMAND_NAMES.help, COMMAND_NAMES.config]);

/**
 * Slash commands. Every one is deferred first (Discord allows 3 s for the first response), then
 * answered by editing that response. /usage, /help, /config and private /ask are visible only to
 * the caller; a private /ask also has its own conversation, so its question never reaches others'
 * answers. A refused public /ask is shown to the caller alone, and a silent refusal not at all.
 */
export async function handleInteraction(ctx: DiscordContext, interaction: Interaction): Promise<void> {
  if (!interaction.isChatInputCommand() || !isCommandName(interaction.commandName)) return;
  const { logger, dedupe, engine } = ctx.services;
  if (!(await dedupe.firstSeen(`discord:interaction:${interaction.id}`))) return;

  const command = interaction.commandName;
  const isPrivateAsk =
    command === COMMAND_NAMES.ask && interaction.options.getBoolean(ASK_OPTIONS.private, false) === true;
  const ephemeral = isPrivateAsk || PRIVATE_COMMANDS.has(command);
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});

  const shared = sharedAddress(interaction);
  const isDirectMessage = !interaction.guildId;
  const facts = interactionFacts(interaction);
  const turnAt = (address: ConversationAddress, text: string): InboundTurn => ({
    ...address,
    ...facts,
    userId: interaction.user.id,
    userName: displayName(interaction.user, interaction.member),
    text,
    isDirectMessage,
  });
  const surface = new InteractionSurface(interaction, ephemeral);
  const commandOptions = { commandNames: HELP_COMMAND_NAMES };
  logger.info(
    { guildId: interaction.guildId, channelId: interaction.channelId, command, ephemeral },
    "discord: slash command",
  );

  switch (command) {
    case COMMAND_NAMES.ask: {
      const question = interaction.options.getString(ASK_OPTIONS.question, true);
      const guild = interaction.guild;
      const text = renderMentions(
        question,
        botIdentity(ctx.client.user.id, guild),
        namesFrom(ctx.client, guild),
      );
      logger.debug({ interactionId: interaction.id, text }, "discord: question text");
      const address = isPrivateAsk && !isDirectMessage ? privateAddress(shared, interaction.user.id) : shared;
      const ids = await answerOnDiscord(ctx, turnAt(address, text), surface);
      // Nobody can reply to an ephemeral message; public answers continue the channel's conversation.
      if (!ephemeral) for (const id of ids) ctx.memory.remember(id, address.threadId);
      return;
    }
    case COMMAND_NAMES.reset: {
      const result = await engine.command("reset", turnAt(shared, ""));
      if (!isDirectMessage)
        await engine.command("reset", turnAt(privateAddress(shared, interaction.user.id), ""));
      await showText(surface, result.text);
      return;
    }
    case COMMAND_NAMES.usage:
    case COMMAND_NAMES.help: {
      const result = await engine.command(command, turnAt(shared, ""), commandOptions);
      await showText(surface, result.text);
      return;
    }
    case COMMAND_NAMES.config: {
      // The engine checks the caller's admin rights again: registration only hides the command.
      const settings = parseConfigRequest(interaction);
      const result = await engine.command("config", turnAt(shared, ""), {
        ...commandOptions,
        ...(settings ? { settings } : {}),
      });
      if (result.failure) logger.info({ code: result.failure.code, command }, "discord: command refused");
      await showText(surface, result.text);
      return;
    }
  }
}
