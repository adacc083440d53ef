import type { Client } from "discord.js";
import { type AdapterServices, deliverAnswer, type InboundTurn, type ReplySurface } from "../../src/index.ts";
import type { ConversationMemory } from "./conversations.ts";

/** What the message and interaction handlers share. */
export interface DiscordContext {
  client: Client<true>;
  services: AdapterServices;
  memory: ConversationMemory;
  editIntervalMs: number;
  /** Aborted when the shutdown deadline passes, so answers still streaming end with a short message. */
  stopping: AbortSignal;
}

/**
 * Shows an answer on `surface` with the adapter's settings and returns the ids of the messages that
 * show it; a refusal by Discord is thrown, so the handler logs it with the channel like any failure.
 */
export async function answerOnDiscord(
  ctx: DiscordContext,
  turn: InboundTurn,
  surface: ReplySurface,
): Promise<string[]> {
  const delivery = await deliverAnswer(ctx.services.engine, turn, surface, {
    editIntervalMs: ctx.editIntervalMs,
    // Typing (channels) or the deferred "thinking…" (commands) shows at once; it costs no message.
    pendingDelayMs: 0,
    maxMessages: ctx.services.config.ANSWER_MAX_MESSAGES,
    stopping: ctx.stopping,
    logger: ctx.services.logger,
  });
  if (delivery.outcome === "not-posted") throw delivery.error;
  return delivery.messageIds;
}
