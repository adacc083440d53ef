import {
  type ChatInputCommandInteraction,
  type Message,
  type MessageCreateOptions,
  MessageFlags,
  type SendableChannels,
} from "discord.js";
import type { ReplySurface } from "../../src/index.ts";

/** Discord's limit on message content. */
export const DISCORD_MESSAGE_LIMIT = 2000;

/**
 * Mentions in anything the bot writes notify nobody: model output and echoed user text may contain
 * `@everyone`, `@here`, `<@&role>` or `<@user>`. A fresh object each time: discord.js copies it,
 * but a shared mutable default is one refactor away from a leak.
 */
export function noPings(): { parse: []; repliedUser: false } {
  return { parse: [], repliedUser: false };
}

/** How the first message of an answer is placed in a channel. */
export type ChannelReplyMode =
  /** A reply to the question (reply chains in channels and threads). */
  | { kind: "reply"; question: Message }
  /** A plain message (DMs, and the first answer in a thread the bot just opened). */
  | { kind: "send" };

/** An answer shown as channel messages: the reply, then further parts as plain messages. */
export class ChannelSurface implements ReplySurface {
  readonly messageLimit = DISCORD_MESSAGE_LIMIT;
  readonly pending = "typing";
  private readonly posted = new Map<string, Message>();

  constructor(
    private readonly channel: SendableChannels,
    private readonly mode: ChannelReplyMode,
    /** Called with each posted message's id, e.g. to continue its conversation when replied to. */
    private readonly onPost: (messageId: string) => void = () => {},
  ) {}

  async showTyping(): Promise<void> {
    await this.channel.sendTyping();
  }

  async post(index: number, content: string): Promise<string> {
    const options: MessageCreateOptions = { content, allowedMentions: noPings() };
    const message =
      index === 0 && this.mode.kind === "reply"
        ? await this.mode.question.reply({ ...options, failIfNotExists: false })
        : await this.channel.send(options);
    this.posted.set(message.id, message);
    this.onPost(message.id);
    return message.id;
  }

  async edit(_index: number, messageId: string, content: string): Promise<void> {
    await this.message(messageId).edit({ content, allowedMentions: noPings() });
  }

  async delete(_index: number, messageId: string): Promise<void> {
    await this.message(messageId).delete();
    this.posted.delete(messageId);
  }

  private message(id: string): Message {
    const message = this.posted.get(id);
    if (!message) throw new Error(`ChannelSurface: message ${id} was not posted here`);
    return message;
  }
}

/**
 * An answer to a deferred interaction: the original response is edited into the first part;
 * further parts are follow-ups with the same visibility.
 */
export class InteractionSurface implements ReplySurface {
  readonly messageLimit = DISCORD_MESSAGE_LIMIT;
  /** The deferred response already shows "thinking…". */
  readonly pending = "none";

  constructor(
    private readonly interaction: ChatInputCommandInteraction,
    private readonly ephemeral: boolean,
  ) {}

  async post(index: number, content: string): Promise<string> {
    if (index === 0) {
      const original = await this.interaction.editReply({ content, allowedMentions: noPings() });
      return original.id;
    }
    const followUp = await this.interaction.followUp({
      content,
      allowedMentions: noPings(),
      ...(this.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
    });
    return followUp.id;
  }

  async edit(index: number, messageId: string, content: string): Promise<void> {
    await this.interaction.editReply({
      content,
      allowedMentions: noPings(),
      ...(index === 0 ? {} : { message: messageId }),
    });
  }

  async delete(_index: number, messageId: string): Promise<void> {
    await this.interaction.deleteReply(messageId);
  }

  /** Deletes the deferred response, which still shows "thinking…". */
  async withdraw(): Promise<void> {
    await this.interaction.deleteReply();
  }

  /**
   * A short text only the user who ran the command sees, in place of a public answer (after
   * `withdraw`: a follow-up to a response still deferred would replace it). An ephemeral response
   * is private already, so the text is shown there.
   */
  async showPrivately(content: string): Promise<boolean> {
    if (this.ephemeral) return false;
    await this.interaction.followUp({ content, allowedMentions: noPings(), flags: MessageFlags.Ephemeral });
    return true;
  }
}
