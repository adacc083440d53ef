import { createSlackAdapter } from "../../adapters/slack/index.ts";
import { renderAnswerParts } from "../../adapters/slack/render-parts.ts";
import { translate } from "../../src/i18n/translate.ts";
import { eventEnvelope, mentionEvent, postEvent } from "../../test/fakes/slack/signed-requests.ts";
import { type SlackApiCall, startFakeSlack } from "../../test/fakes/slack/web-api.ts";
import { createBenchBot } from "../support/bot.ts";
import type { PlatformWrite, StreamRun } from "./timeline.ts";
import { type StreamShape, startStreamingUpstream, streamedAnswer } from "./upstream.ts";

const normalized = (text: string) => text.replace(/\s+/g, " ").trim();

/** Fake credentials the fake Slack accepts (it checks the xoxb- prefix only). */
const BOT_TOKEN = "xoxb-bench-not-a-real-token";
const SIGNING_SECRET = "bench-signing-secret";
const CHANNEL = "C0BENCH01";
const QUESTION_TS = "1700000000.000100";

/**
 * A mention in a channel of the fake Slack, delivered as a signed Events API request to the real Bolt
 * app (HTTP mode) with the real engine and client. Every Web API call is stamped when the fake records it.
 */
export async function runSlackStream(shape: StreamShape, seed: number): Promise<StreamRun> {
  const answer = streamedAnswer(shape, seed);
  const { fake: upstream, seen } = await startStreamingUpstream(shape, answer);
  const slack = await startFakeSlack();
  slack.setUser("U0ASKER", { displayName: "Asker" });
  const bot = createBenchBot(upstream.url, {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    CACHE_TTL_SECONDS: "0",
  });
  const adapter = createSlackAdapter(bot, { host: "127.0.0.1", port: 0 });
  const stamps = new Map<SlackApiCall, number>();
  const stampNew = () => {
    const now = performance.now();
    for (const call of slack.calls) if (!stamps.has(call)) stamps.set(call, now);
  };
  // Slack shows the answer as mrkdwn parts of at most 4,000 characters: exact means every part equals
  // the adapter's own rendering of the complete answer, and no word went missing on the way.
  const expectedParts = renderAnswerParts(answer);
  const shownParts = () => slack.messagesIn(CHANNEL, QUESTION_TS).map((message) => message.text);
  const complete = () => {
    const parts = shownParts();
    return (
      parts.length === expectedParts.length && parts.every((part, index) => part === expectedParts[index])
    );
  };
  const sameWords = () => normalized(shownParts().join(" ")) === normalized(answer);
  try {
    await adapter.start();
    const address = adapter.httpServer?.address();
    const port = typeof address === "object" && address ? address.port : 0;
    stampNew();
    const event = mentionEvent({
      user: "U0ASKER",
      text: "<@UBOT> tell me a long story",
      ts: QUESTION_TS,
      channel: CHANNEL,
    });
    const response = await postEvent(
      `http://127.0.0.1:${port}/slack/events`,
      SIGNING_SECRET,
      eventEnvelope(event),
    );
    if (!response.ok) throw new Error(`Slack event was refused: ${response.status}`);
    await slack.waitFor(
      () => {
        stampNew();
        return complete();
      },
      "the complete answer",
      shape.firstByteMs + shape.durationMs + 30_000,
    );
  } finally {
    await adapter.stop();
    await slack.close();
    await upstream.close();
  }
  const writes: PlatformWrite[] = [];
  let posted = 0;
  const postedTs = slack.messagesIn(CHANNEL, QUESTION_TS).map((message) => message.ts);
  for (const call of slack.calls) {
    const at = stamps.get(call) ?? Number.NaN;
    if (call.method === "chat.postMessage") {
      const messageId = postedTs[posted++] ?? `unknown-${posted}`;
      // A "thinking" placeholder (shown only when the model is slow to start) carries no answer.
      writes.push({ messageId, kind: "post", at, carriesAnswer: call.params.text !== PLACEHOLDER_TEXT });
    } else if (call.method === "chat.update") {
      writes.push({ messageId: call.params.ts ?? "", kind: "edit", at, carriesAnswer: true });
    }
  }
  return { platform: "Slack", ...seen, writes, finalExact: complete() && sameWords() };
}

/** The placeholder as the adapter posts it (English, escaped). */
const PLACEHOLDER_TEXT = translate("en", "thinking");
