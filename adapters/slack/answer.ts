import {
  type AdapterServices,
  type DeliveryOutcome,
  deliverAnswer,
  type InboundTurn,
  type TimerClock,
} from "../../src/index.ts";
import { errorSummary } from "./errors.ts";
import type { SlackMessenger } from "./messenger.ts";
import { type NativeStreamingSupport, SlackNativeStream } from "./native-stream.ts";
import { type SlackPlace, SlackThreadSurface } from "./thread-surface.ts";

/**
 * How long the engine may take before a "…thinking" placeholder appears. Refusals and cached answers
 * come sooner: a silent refusal then leaves no trace at all, any other early result is posted as is.
 */
export const DEFAULT_PLACEHOLDER_DELAY_MS = 300;

/** How answers are shown in this workspace: the adapter's options, fixed at start. */
export interface SlackReplySettings {
  messenger: SlackMessenger;
  updateIntervalMs: number;
  partLimit?: number;
  clock?: TimerClock;
  /** 0 posts the placeholder before the engine has said anything. */
  placeholderDelayMs?: number;
  /** ANSWER_MAX_MESSAGES. */
  maxMessages?: number;
  /** Set with SLACK_NATIVE_STREAMING=auto: answers in threads stream through chat.startStream. */
  nativeStreaming?: NativeStreamingSupport;
}

/**
 * Asks the engine and streams its answer into a Slack thread (or a DM's top level). When Slack
 * refuses to post (the bot is not in the channel, say) the engine's work is stopped: no tokens for
 * an unseen answer. `showPrivately` takes a refusal to the asker alone (a public /ask).
 */
export async function answerInSlack(
  settings: SlackReplySettings,
  services: Pick<AdapterServices, "engine" | "logger">,
  turn: InboundTurn,
  place: SlackPlace,
  signal: AbortSignal,
  showPrivately?: (text: string) => Promise<boolean>,
): Promise<DeliveryOutcome> {
  const native = settings.nativeStreaming;
  const threadTs = place.threadTs;
  const nativeStream =
    native && threadTs && native.allows(turn.workspaceId)
      ? () =>
          new SlackNativeStream(
            settings.messenger,
            {
              channelId: place.channelId,
              threadTs,
              recipientTeamId: turn.workspaceId,
              recipientUserId: turn.userId,
            },
            native,
          )
      : undefined;
  const surface = new SlackThreadSurface(settings.messenger, place, settings.partLimit, {
    ...(showPrivately ? { showPrivately } : {}),
    ...(nativeStream ? { nativeStream } : {}),
  });
  const delivery = await deliverAnswer(services.engine, turn, surface, {
    editIntervalMs: settings.updateIntervalMs,
    pendingDelayMs: settings.placeholderDelayMs ?? DEFAULT_PLACEHOLDER_DELAY_MS,
    ...(settings.maxMessages === undefined ? {} : { maxMessages: settings.maxMessages }),
    logger: services.logger,
    stopping: signal,
    ...(settings.clock ? { clock: settings.clock } : {}),
  });
  if (delivery.outcome === "not-posted") {
    services.logger.warn(
      { channel: place.channelId, error: errorSummary(delivery.error) },
      "slack refused to post the answer; not answering",
    );
  }
  return delivery.outcome;
}
