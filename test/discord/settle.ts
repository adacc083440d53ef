import {
  type InteractionOptions,
  sendInteraction,
  sendUserMessage,
  type UserMessageOptions,
} from "../fakes/discord/actors.ts";
import type { ApiMessage } from "../fakes/discord/payloads.ts";
import type { StoredInteraction, StoredMessage } from "../fakes/discord/state.ts";
import type { DiscordHarness } from "./harness.ts";

/**
 * Sends a message the bot answers through the engine and waits until the bot is done with it,
 * including when it decides to say nothing: the typing indicator it shows first marks that it
 * started, and `idle` that it finished.
 */
export async function sendAndSettle(h: DiscordHarness, options: UserMessageOptions): Promise<ApiMessage> {
  const typing = new RegExp(`^/channels/${options.channelId}/typing$`);
  const before = h.fake.callsTo("POST", typing).length;
  const sent = sendUserMessage(h.fake, options);
  await h.fake.waitFor(`typing for message ${sent.id}`, () => h.fake.callsTo("POST", typing).length > before);
  await h.adapter.idle();
  return sent;
}

/** What the bot posted in reply to `question`, oldest first. */
export function repliesTo(h: DiscordHarness, question: ApiMessage): string[] {
  return h.fake.state
    .botMessagesIn(question.channel_id)
    .filter((message) => message.message_reference?.message_id === question.id)
    .map((message) => message.content);
}

export interface CommandOutcome {
  token: string;
  interaction: StoredInteraction;
  /** The original response and follow-ups still shown, in order. */
  shown: StoredMessage[];
}

/** Runs a slash command and waits until the bot is done with it (its deferral marks the start). */
export async function runCommand(h: DiscordHarness, options: InteractionOptions): Promise<CommandOutcome> {
  const { id, token } = sendInteraction(h.fake, options);
  await h.fake.waitFor(`deferral of /${options.command}`, () =>
    h.fake.calls.some((call) => call.path.startsWith(`/interactions/${id}/`)),
  );
  await h.adapter.idle();
  const interaction = h.fake.state.interactions.get(token);
  if (!interaction) throw new Error(`interaction ${token} is unknown to the fake`);
  return { token, interaction, shown: h.fake.state.interactionMessages(token) };
}
