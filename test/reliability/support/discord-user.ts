import { mention, sendUserMessage, type UserMessageOptions } from "../../fakes/discord/actors.ts";
import type { ApiMessage } from "../../fakes/discord/payloads.ts";
import type { FakeDiscord, RestCall } from "../../fakes/discord/server.ts";
import type { DiscordSide } from "./bot.ts";

/** `POST /channels/:id/messages`: a new message (a reply, a part, an error). */
export const SEND = /^\/channels\/\d+\/messages$/;
/** `PATCH /channels/:id/messages/:id`: an edit of a streamed message. */
export const EDIT = /^\/channels\/\d+\/messages\/\d+$/;

/** Whether message id `a` was created after `b` (snowflakes grow with time). */
export function isAfter(a: string, b: string): boolean {
  return BigInt(a) > BigInt(b);
}

/**
 * A person writes `text` to the bot: a mention in #general unless another channel is given. A reply
 * to one of the bot's messages needs no mention (Discord pings the replied-to author itself);
 * `mentionBot` adds one anyway, e.g. to a reply to someone else's message.
 */
export function askDiscord(
  discord: DiscordSide,
  text: string,
  options: Partial<UserMessageOptions> & { mentionBot?: boolean } = {},
): ApiMessage {
  const { fake } = discord;
  const { mentionBot = options.replyTo === undefined, ...rest } = options;
  const channelId = rest.channelId ?? fake.state.channels.general.id;
  const content = mentionBot ? `${mention(fake.state.bot)} ${text}` : text;
  return sendUserMessage(fake, { ...rest, channelId, content });
}

/** The bot's messages in the question's channel posted after it, oldest first: the answer and its parts. */
export function messagesAfter(fake: FakeDiscord, question: ApiMessage): ApiMessage[] {
  return fake.state.botMessagesIn(question.channel_id).filter((message) => isAfter(message.id, question.id));
}

/** Every `POST` the bot made that replies to `question` (failed attempts included). */
export function repliesSent(fake: FakeDiscord, question: ApiMessage): RestCall[] {
  return fake
    .callsTo("POST", SEND)
    .filter(
      (call) =>
        (call.body?.message_reference as { message_id?: string } | undefined)?.message_id === question.id,
    );
}

/**
 * Waits until the bot has posted its answer to `question` and finished writing it (its last edit
 * landed), then returns the messages showing it.
 */
export async function discordAnswer(discord: DiscordSide, question: ApiMessage): Promise<ApiMessage[]> {
  await discord.fake.waitFor(`the answer to "${question.content.slice(0, 60)}"`, () =>
    messagesAfter(discord.fake, question).length > 0 ? true : undefined,
  );
  await discord.adapter.idle();
  return messagesAfter(discord.fake, question);
}

/** The contents every bot message answering `question` went through (posts and edits), by message. */
export function contentHistory(fake: FakeDiscord, question: ApiMessage): string[][] {
  return messagesAfter(fake, question).map((message) => fake.state.messages.get(message.id)?.history ?? []);
}
