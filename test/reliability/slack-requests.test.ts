import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderAnswerParts } from "../../adapters/slack/render-parts.ts";
import { translate } from "../../src/i18n/translate.ts";
import { lastUserMessage } from "../fakes/openai-server.ts";
import {
  commandFields,
  eventEnvelope,
  mentionEvent,
  postCommand,
  postEvent,
  slackSignatureHeaders,
} from "../fakes/slack/signed-requests.ts";
import { rawRequest } from "../slack/hostile-requests.ts";
import { type ReliabilityBot, startReliabilityBot } from "./support/bot.ts";
import { CANARY } from "./support/canary.ts";
import { askSlack, nextTs, slackAnswer } from "./support/slack-user.ts";

const secret = CANARY.slackSigningSecret;
let bot: ReliabilityBot;
/**
 * Requests Bolt answers only after its 3 s ack timeout (nothing handles them): sent once the bot is
 * up, all at once, and awaited by the tests that check them.
 */
let unroutable: { eventless: Promise<Response[]>; brokenForm: Promise<Response> };
beforeAll(async () => {
  bot = await startReliabilityBot();
  unroutable = {
    eventless: Promise.all(
      [{ type: "event_callback", team_id: "T1", event_id: "EvBroken1" }, { type: "event_callback" }].map(
        (body) => postEvent(bot.slack.eventsUrl, secret, body),
      ),
    ),
    brokenForm: postRaw("command=%E0%A4%A&text=%%%", "application/x-www-form-urlencoded"),
  };
  // Awaited by the tests; marked handled so a filtered run that skips them reports nothing odd.
  unroutable.eventless.catch(() => undefined);
  unroutable.brokenForm.catch(() => undefined);
});
afterAll(async () => {
  await bot?.close();
});
beforeEach(() => {
  bot.core.fakeOpenAI.reset();
});

/** POSTs a raw body to /slack/events, signed unless told otherwise. */
function postRaw(body: string, contentType: string, signed = true): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": contentType,
    ...(signed ? slackSignatureHeaders(secret, body) : {}),
  };
  return fetch(bot.slack.eventsUrl, { method: "POST", headers, body });
}

/** Proves the server still answers and nothing reached the model or Slack on the way. */
async function stillServing(channel: string): Promise<void> {
  const place = await askSlack(bot.slack, "still there?", { channel });
  const [message] = await slackAnswer(bot.slack, place);
  expect(message?.text).toBe("Echo: still there?");
  expect(bot.core.fakeOpenAI.requests.map((request) => lastUserMessage(request))).toEqual(["still there?"]);
  expect(bot.guard.problems).toEqual([]);
}

describe("Slack events with missing fields", () => {
  it("events without a user, channel, ts or event are acknowledged and ignored", async () => {
    const complete = mentionEvent({ user: "U1", channel: "C20", ts: nextTs(), text: "<@UBOT> hello" });
    const without = (field: string) => {
      const { [field]: _dropped, ...rest } = complete;
      return rest;
    };
    const bodies = [
      eventEnvelope(without("user")),
      eventEnvelope(without("channel")),
      eventEnvelope(without("ts")),
      eventEnvelope({ type: "app_mention" }),
      eventEnvelope({}),
    ];
    const responses = await Promise.all(bodies.map((body) => postEvent(bot.slack.eventsUrl, secret, body)));
    expect(responses.map((response) => response.status)).toEqual(bodies.map(() => 200));
    // An envelope without an event: Bolt cannot route it and answers 404 after its ack timeout.
    expect((await unroutable.eventless).map((response) => response.status)).toEqual([404, 404]);
    expect(bot.slack.fake.messagesIn("C20")).toHaveLength(0);
    await stillServing("C20");
  });

  it("a mention without text gets the hint in its thread", async () => {
    const ts = nextTs();
    const { text: _text, ...event } = mentionEvent({ user: "U1", channel: "C21", ts, text: "" });
    expect((await postEvent(bot.slack.eventsUrl, secret, eventEnvelope(event))).status).toBe(200);
    const shown = await slackAnswer(bot.slack, { channel: "C21", threadTs: ts });
    expect(shown.map((m) => m.text)).toEqual(renderAnswerParts(translate("en", "error.empty_question")));
    expect(bot.core.fakeOpenAI.requests).toHaveLength(0);
  });
});

describe("malformed or oversized bodies to /slack/events", () => {
  it("a malformed or oversized body gets a 4xx, not a crash", async () => {
    const huge = JSON.stringify(
      eventEnvelope(mentionEvent({ user: "U1", channel: "C25", ts: nextTs(), text: "x".repeat(12_000_000) })),
    );
    const [notJson, garbage, brokenForm, oversized] = await Promise.all([
      postRaw("{not json", "application/json"),
      postRaw("\u0000\u0001garbage", "application/json", false),
      unroutable.brokenForm,
      postRaw(huge, "application/json"),
    ]);
    expect(notJson.status).toBe(400);
    expect(garbage.status).toBe(401);
    expect(brokenForm.status).toBe(404); // Bolt's answer to a request nothing handles, after 3 s
    expect(oversized.status).toBe(413);
    expect(bot.slack.fake.messagesIn("C25")).toHaveLength(0);
    await stillServing("C26");
  });
});

describe("request signatures", () => {
  const mention = (channel: string, eventId: string) =>
    eventEnvelope(mentionEvent({ user: "U1", channel, ts: nextTs(), text: "<@UBOT> forged?" }), { eventId });

  it("a bad, missing or stale signature is rejected before any work", async () => {
    const callsBefore = bot.slack.fake.calls.length;
    const forged = await postEvent(bot.slack.eventsUrl, secret, mention("C27", "EvSig1"), {
      signWith: "not-the-secret",
    });
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const stale = await postEvent(bot.slack.eventsUrl, secret, mention("C27", "EvSig2"), {
      timestamp: tenMinutesAgo,
    });
    const unsigned = await postRaw(JSON.stringify(mention("C27", "EvSig3")), "application/json", false);
    const forgedCommand = await postCommand(
      bot.slack.eventsUrl,
      secret,
      commandFields({
        command: "/ask",
        text: "forged?",
        user: "U1",
        channel: "C27",
        responseUrl: bot.slack.fake.responseUrl("forged"),
      }),
      { signWith: "not-the-secret" },
    );
    expect([forged.status, stale.status, unsigned.status, forgedCommand.status]).toEqual([
      401, 401, 401, 401,
    ]);
    expect(bot.slack.fake.calls.length).toBe(callsBefore); // not even a users.info
    expect(bot.core.fakeOpenAI.requests).toHaveLength(0);
    expect(bot.slack.fake.responses.filter((r) => r.id === "forged")).toHaveLength(0);

    // Nothing was remembered either: the genuine delivery of a forged event id is answered.
    const genuine = mention("C28", "EvSig1");
    expect((await postEvent(bot.slack.eventsUrl, secret, genuine)).status).toBe(200);
    const threadTs = (genuine.event as { ts: string }).ts;
    const [answer] = await slackAnswer(bot.slack, { channel: "C28", threadTs });
    expect(answer?.text).toBe("Echo: forged?");
  });

  it("logs no secret and no request body above debug", () => {
    expect(bot.leaks()).toEqual([]);
    const aboveDebug = bot.core.logs.entries().filter((entry) => Number(entry.level) > 20);
    expect(JSON.stringify(aboveDebug)).not.toContain("forged?");
    expect(bot.guard.problems).toEqual([]);
  });
});

describe("hostile traffic to /slack/events", () => {
  it("200 concurrent unsigned 4 MB bodies are refused unread: all 401, counted, memory flat", async () => {
    const count = 200;
    const body = Buffer.alloc(4 * 1024 * 1024, 0x7b);
    const port = Number(new URL(bot.slack.eventsUrl).port);
    const unsignedBefore = await rejectedCount("unsigned");
    const rssBefore = process.memoryUsage().rss;
    const responses = await Promise.all(
      Array.from({ length: count }, () =>
        rawRequest(port, { "content-type": "application/json" }, body.length, body),
      ),
    );
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const refused = responses.filter((response) => response.status === 401).length;
    // On a loaded machine a few may instead hit the header timeout (408) or the connection cap (closed).
    expect(responses.filter((response) => ![401, 408, 0].includes(response.status))).toEqual([]);
    expect(refused).toBeGreaterThan(count / 2);
    expect((await rejectedCount("unsigned")) - unsignedBefore).toBe(refused);
    // Buffering them (Bolt alone reads 4 MB before checking) would take count × 4 MB = 800 MB.
    expect(rssGrowth).toBeLessThan(count * body.length * 0.1);
    expect(bot.core.fakeOpenAI.requests).toHaveLength(0);
    await stillServing("C29");
  });
});

async function rejectedCount(reason: string): Promise<number> {
  const { values } = await bot.metrics.slackRejected.get();
  return values.find((value) => value.labels.reason === reason)?.value ?? 0;
}
