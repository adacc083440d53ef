import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderAnswerParts } from "../../adapters/slack/render-parts.ts";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { eventEnvelope, mentionEvent } from "../fakes/slack/signed-requests.ts";
import { type ReliabilityBot, type SlackSide, startReliabilityBot } from "./support/bot.ts";
import {
  askSlack,
  deliver,
  nextTs,
  type SlackPlace,
  slackAnswer,
  threadMessages,
} from "./support/slack-user.ts";

/** Answers streamed in four pieces, so there is something to update while the answer is written. */
function streamedAnswers(target: ReliabilityBot): void {
  target.core.fakeOpenAI.setResponder((request) => ({
    kind: "text",
    text: `Streamed answer to: ${lastUserMessage(request)}`,
    chunks: 4,
    chunkDelayMs: 20,
  }));
}

const finalShown = (slack: SlackSide, place: SlackPlace, markdown: string) =>
  slackAnswer(slack, place, (messages) => messages.some((m) => m.text === renderAnswerParts(markdown)[0]));

/** The three deliveries of one event (the original and Slack's two retries) at the same time. */
async function deliverThrice(slack: SlackSide, body: Record<string, unknown>): Promise<void> {
  await Promise.all([
    deliver(slack, body),
    deliver(slack, body, { retryNum: 1 }),
    deliver(slack, body, { retryNum: 2 }),
  ]);
}

describe("Slack Web API faults (HTTP mode)", () => {
  let bot: ReliabilityBot;
  let eager: ReliabilityBot;
  beforeAll(async () => {
    bot = await startReliabilityBot();
    // Writes every streamed change at once (no throttle), so the first chat.update is an interim one.
    eager = await startReliabilityBot({ slackOptions: { updateIntervalMs: 0 } });
  });
  afterAll(async () => {
    await Promise.all([bot?.close(), eager?.close()]);
  });
  beforeEach(() => {
    bot.core.fakeOpenAI.reset();
    eager.core.fakeOpenAI.reset();
  });

  it("chat.update failing mid-stream: the final update lands, one message", async () => {
    const { slack } = eager;
    streamedAnswers(eager);
    slack.fake.failNext("chat.update", { kind: "error", error: "internal_error" });
    const place = await askSlack(slack, "Update me through a failure");
    const shown = await finalShown(slack, place, "Streamed answer to: Update me through a failure");
    expect(shown).toHaveLength(1);
    const updates = slack.fake.callsTo("chat.update").filter((call) => call.params.channel === place.channel);
    // The failed interim update, then at least the final one.
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(shown[0]?.updates.at(-1)).toBe(
      renderAnswerParts("Streamed answer to: Update me through a failure")[0],
    );
    expect(eager.guard.problems).toEqual([]);
  });

  it("the final chat.update failing: the answer is posted anew, no stale placeholder left", async () => {
    const { slack } = bot;
    streamedAnswers(bot);
    slack.fake.failNext("chat.update", { kind: "error", error: "internal_error" });
    const place = await askSlack(slack, "Final update refused");
    const parts = renderAnswerParts("Streamed answer to: Final update refused");
    // The new post lands before the stale placeholder is deleted: wait for the thread to settle.
    const shown = await slackAnswer(
      slack,
      place,
      (messages) => messages.length > 0 && messages.every((m) => parts.includes(m.text)),
    );
    expect(bot.guard.problems).toEqual([]);
    expect(shown.map((message) => message.text)).toEqual(
      renderAnswerParts("Streamed answer to: Final update refused"),
    );
  });

  it("chat.postMessage refused on every attempt: nothing shown, nothing crashes, no unseen answer in the history", async () => {
    const { slack, core } = bot;
    const posts = () => slack.fake.callsTo("chat.postMessage").filter((call) => call.params.channel === "C8");
    // The Web API client tries three times (the harness allows two retries); all three fail.
    slack.fake.failNext("chat.postMessage", { kind: "http", status: 500 }, 3);
    const place = await askSlack(slack, "An answer nobody will see", { channel: "C8" });
    await slack.fake.waitFor(() => posts().length === 3, "three refused posts");
    expect(threadMessages(slack, place)).toHaveLength(0);

    await askSlack(slack, "Did you answer?", { channel: "C8", threadTs: place.threadTs });
    await slackAnswer(slack, place);
    const carried = (core.fakeOpenAI.requests.at(-1)?.body.messages ?? []).filter((m) => m.role !== "system");
    expect(carried.map((m) => m.content)).toEqual(["Did you answer?"]);
    expect(bot.guard.problems).toEqual([]);
  });

  it("a 429 on chat.postMessage is waited out: one message", async () => {
    const { slack } = bot;
    slack.fake.failNext("chat.postMessage", { kind: "rate_limited", retryAfterSeconds: 1 });
    const place = await askSlack(slack, "Posting while rate limited", { channel: "C429" });
    const shown = await slackAnswer(slack, place);
    expect(shown.map((message) => message.text)).toEqual(["Echo: Posting while rate limited"]);
    expect(
      slack.fake.callsTo("chat.postMessage").filter((call) => call.params.channel === "C429"),
    ).toHaveLength(2);
    expect(bot.guard.problems).toEqual([]);
  });

  it("the same event delivered three times at once is answered once", async () => {
    const { slack, core } = bot;
    const ts = nextTs();
    const body = eventEnvelope(
      mentionEvent({ user: "U1", channel: "C3", ts, text: "<@UBOT> only once please" }),
    );
    await deliverThrice(slack, body);
    await slackAnswer(slack, { channel: "C3", threadTs: ts });
    // Anything still coming would be processed before a later event is answered.
    const sentinel = await askSlack(slack, "sentinel", { channel: "C3" });
    await slackAnswer(slack, sentinel);
    expect(core.fakeOpenAI.requests.map((request) => lastUserMessage(request))).toEqual([
      "only once please",
      "sentinel",
    ]);
    expect(threadMessages(slack, { channel: "C3", threadTs: ts })).toHaveLength(1);
    expect(bot.guard.problems).toEqual([]);
  });

  it("leaks no secret into logs, prompts or messages", () => {
    expect([...bot.leaks(), ...eager.leaks()]).toEqual([]);
  });
});

describe("Socket Mode faults", () => {
  let bot: ReliabilityBot;
  beforeAll(async () => {
    // Proxied: the Socket Mode link runs through a proxy that can cut it like a network failure.
    bot = await startReliabilityBot({ slackMode: "socket", proxied: true });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it("the same event delivered three times over the socket is answered once", async () => {
    const { slack, core } = bot;
    core.fakeOpenAI.reset();
    const ts = nextTs();
    const body = eventEnvelope(mentionEvent({ user: "U1", channel: "C5", ts, text: "<@UBOT> socket once" }));
    await deliverThrice(slack, body);
    await slackAnswer(slack, { channel: "C5", threadTs: ts });
    const sentinel = await askSlack(slack, "socket sentinel", { channel: "C5" });
    await slackAnswer(slack, sentinel);
    expect(core.fakeOpenAI.requests.map((request) => lastUserMessage(request))).toEqual([
      "socket once",
      "socket sentinel",
    ]);
    expect(threadMessages(slack, { channel: "C5", threadTs: ts })).toHaveLength(1);
  });

  it("Socket Mode reconnects after the link drops: later events are answered once", async () => {
    const { slack, core } = bot;
    const proxy = bot.proxies?.slack;
    if (!proxy) throw new Error("the bot is not proxied");
    core.fakeOpenAI.reset();
    const opened = () => slack.fake.callsTo("apps.connections.open").length;
    const hellos = () => proxy.framesReceived.filter((frame) => frame.includes('"type":"hello"')).length;
    const openedBefore = opened();
    const hellosBefore = hellos();

    proxy.dropTunnels();
    // The client asks for a new link (apps.connections.open) and connects again; Slack says hello.
    await proxy.waitFor("a new Socket Mode link", () => hellos() === hellosBefore + 1);
    expect(opened()).toBe(openedBefore + 1);

    // An event whose first delivery was lost with the old link comes again with retry_attempt 1.
    const ts = nextTs();
    const body = eventEnvelope(
      mentionEvent({ user: "U1", channel: "C6", ts, text: "<@UBOT> after the drop" }),
    );
    await deliver(slack, body, { retryNum: 1 });
    const shown = await slackAnswer(slack, { channel: "C6", threadTs: ts });
    expect(shown.map((message) => message.text)).toEqual(["Echo: after the drop"]);
    await deliver(slack, body, { retryNum: 2 });
    const sentinel = await askSlack(slack, "still connected", { channel: "C6" });
    await slackAnswer(slack, sentinel);
    expect(core.fakeOpenAI.requests.map((request) => lastUserMessage(request))).toEqual([
      "after the drop",
      "still connected",
    ]);
    expect(slack.fake.socketMode.connectionCount()).toBe(1);
    expect(bot.guard.problems).toEqual([]);
  }, 20_000);

  it("leaks no secret into logs, prompts, messages or anything sent through the proxies", () => {
    expect(bot.leaks()).toEqual([]);
  });
});
