import { escapeMrkdwn } from "../../../adapters/slack/escape.ts";
import { translate } from "../../../src/i18n/translate.ts";
import {
  type DeliveryOptions,
  eventEnvelope,
  mentionEvent,
  postEvent,
} from "../../fakes/slack/signed-requests.ts";
import type { FakeMessage } from "../../fakes/slack/web-api.ts";
import type { SlackSide } from "./bot.ts";
import { CANARY } from "./canary.ts";

/** Where a Slack answer goes: a channel and the thread of the question. */
export interface SlackPlace {
  channel: string;
  threadTs: string;
}

let counter = 0;

/** A fresh message ts, unique in this process. */
export function nextTs(): string {
  counter += 1;
  return `1800000000.${String(counter).padStart(6, "0")}`;
}

/** Delivers a signed Events API body over HTTP, or as an envelope over Socket Mode. */
export async function deliver(
  slack: SlackSide,
  body: Record<string, unknown>,
  options: DeliveryOptions = {},
): Promise<void> {
  if (slack.adapter.mode === "socket") {
    slack.fake.socketMode.sendEvent(
      body,
      options.retryNum === undefined ? {} : { retryAttempt: options.retryNum },
    );
    return;
  }
  const response = await postEvent(slack.eventsUrl, CANARY.slackSigningSecret, body, options);
  if (response.status !== 200) throw new Error(`/slack/events answered ${response.status}`);
}

/**
 * A person mentions the bot with `text` in a channel (a new thread unless `threadTs` continues one);
 * resolves with where the answer will appear once the event was acknowledged.
 */
export async function askSlack(
  slack: SlackSide,
  text: string,
  options: { channel?: string; threadTs?: string; user?: string; extra?: Record<string, unknown> } = {},
): Promise<SlackPlace> {
  const ts = nextTs();
  const channel = options.channel ?? "C1";
  const event = {
    ...mentionEvent({
      user: options.user ?? "U1",
      channel,
      ts,
      text: `<@UBOT> ${text}`,
      ...(options.threadTs ? { threadTs: options.threadTs } : {}),
    }),
    ...options.extra,
  };
  await deliver(slack, eventEnvelope(event));
  return { channel, threadTs: options.threadTs ?? ts };
}

/** The bot's messages in the thread, oldest first. */
export function threadMessages(slack: SlackSide, place: SlackPlace): FakeMessage[] {
  return slack.fake.messagesIn(place.channel, place.threadTs);
}

/** The "…thinking" placeholder as Slack shows it. */
export const PLACEHOLDER = escapeMrkdwn(translate("en", "thinking"));

/**
 * Waits until the thread shows the final answer. The harness's clock stands still, so the adapter's
 * throttle never fires: an answer is its first words (or a placeholder) updated once to the final
 * text, or the final text posted directly. Once the thread shows more than a placeholder, the
 * adapter finishing its work means the final write has landed. `done` narrows what counts as final,
 * e.g. a text a long answer ends with.
 */
export async function slackAnswer(
  slack: SlackSide,
  place: SlackPlace,
  done: (messages: FakeMessage[]) => boolean = (messages) =>
    messages.length > 0 && messages[0]?.text !== PLACEHOLDER,
): Promise<FakeMessage[]> {
  await slack.fake.waitFor(
    () => done(threadMessages(slack, place)),
    `the answer in ${place.channel}/${place.threadTs}`,
  );
  await slack.adapter.idle();
  return threadMessages(slack, place);
}
