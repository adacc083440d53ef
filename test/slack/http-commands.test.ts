import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  commandFields,
  eventEnvelope,
  mentionEvent,
  messageEvent,
  postCommand,
  postEvent,
} from "../fakes/slack/signed-requests.ts";
import { questionSent, SIGNING_SECRET, type SlackHarness, startSlackHarness } from "./harness.ts";

let h: SlackHarness;
let responseCounter = 0;

beforeAll(async () => {
  h = await startSlackHarness();
  h.slack.setUser("U1", { displayName: "Bob" });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.core.fakeOpenAI.reset();
});

async function command(name: string, text: string, channel = "C1") {
  responseCounter += 1;
  const id = `r${responseCounter}`;
  const fields = commandFields({
    command: name,
    text,
    user: "U1",
    channel,
    responseUrl: h.slack.responseUrl(id),
  });
  const response = await postCommand(h.eventsUrl, SIGNING_SECRET, fields);
  expect(response.status).toBe(200);
  const ack = await response.text();
  return { id, ack };
}

const responsesTo = (id: string) => h.slack.responses.filter((r) => r.id === id).map((r) => r.body);
const waitForResponse = (id: string) =>
  h.slack.waitFor(() => responsesTo(id).length > 0, `a response to ${id}`);

describe("Slack slash commands", () => {
  it("/ask posts the question in the channel and answers in its thread", async () => {
    const { ack } = await command("/ask", "what is our refund policy?");
    expect(ack).toBe("");
    await h.slack.waitFor(
      () => h.slack.messages.some((m) => m.text.includes("Echo: what is our refund policy?")),
      "the /ask answer",
    );
    const question = h.slack.messagesIn("C1").find((m) => m.threadTs === undefined);
    expect(question?.text).toBe("*Bob:* what is our refund policy?");
    const answer = h.slack.messagesIn("C1", question?.ts);
    expect(answer.map((m) => m.text)).toEqual(["Echo: what is our refund policy?"]);
  });

  it("/ask --private answers only the asker, through response_url", async () => {
    const before = h.slack.messages.length;
    const { id, ack } = await command("/ask", "--private secret plans");
    expect(JSON.parse(ack)).toEqual({ response_type: "ephemeral", text: "…thinking" });
    await waitForResponse(id);
    expect(responsesTo(id)).toEqual([
      { response_type: "ephemeral", text: "Echo: secret plans", replace_original: false },
    ]);
    expect(h.slack.messages.length).toBe(before);
    expect(questionSent(h.core, 0)).toBe("secret plans");
  });

  it("/ask where the bot may not post answers privately instead", async () => {
    h.slack.failNext("chat.postMessage", { kind: "error", error: "not_in_channel" });
    const { id } = await command("/ask", "anyone here?", "C9");
    await waitForResponse(id);
    expect(responsesTo(id)[0]).toMatchObject({ response_type: "ephemeral", text: "Echo: anyone here?" });
    expect(h.slack.messagesIn("C9")).toHaveLength(0);
  });

  it("/reset clears a DM's conversation; /usage and /help answer ephemerally", async () => {
    const dm = (text: string, ts: string) =>
      postEvent(
        h.eventsUrl,
        SIGNING_SECRET,
        eventEnvelope(messageEvent({ user: "U1", channel: "D7", channelType: "im", ts, text })),
      );
    const answered = (text: string) =>
      h.slack.waitFor(() => h.slack.messagesIn("D7").some((m) => m.text === `Echo: ${text}`), text);
    await dm("remember me", "2000.1");
    await answered("remember me");

    const usage = await command("/usage", "", "D7");
    await waitForResponse(usage.id);
    expect(responsesTo(usage.id)[0]).toMatchObject({ response_type: "ephemeral" });
    expect(String(responsesTo(usage.id)[0]?.text)).toMatch(/tokens/);

    const reset = await command("/reset", "", "D7");
    await waitForResponse(reset.id);
    expect(String(responsesTo(reset.id)[0]?.text)).toContain("cleared");

    await dm("who am I?", "2000.2");
    await answered("who am I?");
    const lastRequest = h.core.fakeOpenAI.requests.at(-1)?.body.messages.map((m) => m.content) ?? [];
    expect(lastRequest).not.toContain("remember me");

    const help = await command("/help", "");
    await waitForResponse(help.id);
    expect(responsesTo(help.id)[0]).toMatchObject({ response_type: "ephemeral" });
    expect(String(responsesTo(help.id)[0]?.text)).toContain("/ask");
  });
});

describe("SLACK_REPLY_IN_THREADS=all", () => {
  let t: SlackHarness;
  beforeAll(async () => {
    t = await startSlackHarness({ SLACK_REPLY_IN_THREADS: "all" });
  });
  afterAll(async () => {
    await t.close();
  });
  const send = (event: Record<string, unknown>) =>
    postEvent(t.eventsUrl, SIGNING_SECRET, eventEnvelope(event));
  const answerIn = (threadTs: string, text: string) =>
    t.slack.waitFor(() => t.slack.messagesIn("C1", threadTs).some((m) => m.text === text), text);

  it("answers later messages in a thread the bot answered, without a mention", async () => {
    await send(mentionEvent({ user: "U1", channel: "C1", ts: "10.1", text: "<@UBOT> start" }));
    await answerIn("10.1", "Echo: start");
    // A human reply without a mention, in an unrelated thread (ignored), then in the answered one.
    await send(
      messageEvent({
        user: "U1",
        channel: "C1",
        channelType: "channel",
        ts: "20.2",
        threadTs: "20.1",
        text: "elsewhere",
      }),
    );
    await send(
      messageEvent({
        user: "U2",
        channel: "C1",
        channelType: "channel",
        ts: "10.2",
        threadTs: "10.1",
        text: "go on",
      }),
    );
    await answerIn("10.1", "Echo: go on");
    // The same message with a mention arrives as app_mention too: only that one is answered.
    await send(
      messageEvent({
        user: "U2",
        channel: "C1",
        channelType: "channel",
        ts: "10.3",
        threadTs: "10.1",
        text: "<@UBOT> twice?",
      }),
    );
    await send(
      mentionEvent({ user: "U2", channel: "C1", ts: "10.3", threadTs: "10.1", text: "<@UBOT> twice?" }),
    );
    await answerIn("10.1", "Echo: twice?");

    expect(t.core.fakeOpenAI.requests.map((_, i) => questionSent(t.core, i))).toEqual([
      "start",
      "go on",
      "twice?",
    ]);
    expect(t.slack.messagesIn("C1", "20.1")).toHaveLength(0);
  });
});
