import type { App } from "@slack/bolt";
import { answerInSlack } from "./answer.ts";
import type { SlackHandlerContext } from "./context.ts";
import { errorSummary } from "./errors.ts";
import { routeEvent, type SlackMessageEvent } from "./routing.ts";
import { buildTurn } from "./turns.ts";

interface EventEnvelope {
  event_id?: string;
  /** In a Slack Connect channel: the organization the channel belongs to, not necessarily ours. */
  team_id?: string;
  /** The installation the event is delivered to; its team is ours (Bolt's context.teamId). */
  authorizations?: { team_id?: string | null }[];
}

/** The workspace the bot serves this event for: scope of history, settings, access lists and budgets. */
export function installingTeam(envelope: EventEnvelope): string {
  return envelope.authorizations?.[0]?.team_id || envelope.team_id || "unknown";
}

/**
 * app_mention (channels), message.im (DMs), message.mpim (mentions in group DMs) and
 * message.channels / message.groups (thread follow-ups with SLACK_REPLY_IN_THREADS=all). Bolt has
 * acked the event before the listener runs, so the answer is produced after the ack and Slack never
 * retries for slowness.
 */
export function registerEventHandlers(app: App, context: SlackHandlerContext): void {
  const listener = async ({ event, body }: { event: unknown; body: unknown }) => {
    await handleMessageEvent(context, event as SlackMessageEvent, body as EventEnvelope);
  };
  app.event("app_mention", listener);
  app.event("message", listener);
}

export async function handleMessageEvent(
  context: SlackHandlerContext,
  event: SlackMessageEvent,
  envelope: EventEnvelope,
): Promise<void> {
  const { services, botUserId, answeredThreads } = context;
  const teamId = installingTeam(envelope);
  const route = routeEvent(event, {
    botUserId,
    replyInThreads: services.config.SLACK_REPLY_IN_THREADS,
    answeredThread: (channelId, threadTs) => answeredThreads.has(teamId, channelId, threadTs),
  });
  if (!route) return;
  if (envelope.event_id && !(await firstDelivery(context, `slack:event:${envelope.event_id}`))) {
    services.logger.debug({ eventId: envelope.event_id }, "slack event already handled; ignoring the retry");
    return;
  }
  // An edit re-delivers app_mention with a new event_id, the same ts and an `edited` field: one
  // message is answered once, whether it mentioned the bot from the start or only after an edit.
  if (event.ts && !(await firstDelivery(context, `slack:message:${teamId}:${route.channelId}:${event.ts}`))) {
    services.logger.debug({ channel: route.channelId }, "slack message already answered; ignoring the edit");
    return;
  }
  if (route.isDirectMessage && event.type === "message") {
    context.botDirectMessages.remember(teamId, route.channelId);
  }
  if (route.replyThreadTs && !route.isDirectMessage) {
    answeredThreads.remember(teamId, route.channelId, route.replyThreadTs);
  }
  context.runDetached("slack event", async () => {
    const turn = await buildTurn(
      { ...route, teamId, origin: "message", homeTeamId: context.homeTeamId },
      context.directory,
      botUserId,
    );
    services.logger.debug({ channel: route.channelId, text: turn.text }, "slack question");
    await answerInSlack(
      context.replies,
      services,
      turn,
      { channelId: route.channelId, threadTs: route.replyThreadTs },
      context.signal,
    );
  });
}

/** A failing dedupe store must not silence the bot: answering twice beats not answering. */
export async function firstDelivery(context: SlackHandlerContext, deliveryKey: string): Promise<boolean> {
  try {
    return await context.services.dedupe.firstSeen(deliveryKey);
  } catch (error) {
    context.services.logger.warn(
      { error: errorSummary(error) },
      "dedupe store failed; handling the event anyway",
    );
    return true;
  }
}
