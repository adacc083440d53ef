import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventEnvelope, mentionEvent, messageEvent, postEvent } from "../fakes/slack/signed-requests.ts";
import { BOT_TOKEN, questionSent, SIGNING_SECRET, type SlackHarness, startSlackHarness } from "./harness.ts";

let h: SlackHarness;
let ts = 1000;
const nextTs = () => {
  ts += 1;
  return `${ts}.000100`;
};

beforeAll(async () => {
  // Room for the 50,000-character answer below: an answer is cut at 16 characters per MAX_TOKENS token.
  h = await startSlackHarness({ MAX_TOKENS: "4096" });
  h.slack.setUser("U1", { displayName: "Bob", locale: "en-US" });
  h.slack.setUser("U2", { displayName: "Alice" });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.core.fakeOpenAI.reset();
});

const send = async (event: Record<string, unknown>, options: Parameters<typeof eventEnvelope>[1] = {}) => {
  const response = await postEvent(h.eventsUrl, SIGNING_SECRET, eventEnvelope(event, options));
  expect(response.status).toBe(200);
};

const answerIn = (channel: string, threadTs: string | undefined, text: string) =>
  h.slack.waitFor(
    () => h.slack.messagesIn(channel).some((m) => m.threadTs === threadTs && m.text.includes(text)),
    `"${text}" in ${channel}/${threadTs ?? "top"}`,
  );

describe("Slack over HTTP", () => {
  it("answers a mention in the thread of the message, with names instead of ids", async () => {
    const mentionTs = nextTs();
    await send(
      mentionEvent({ user: "U1", channel: "C1", ts: mentionTs, text: "<@UBOT> summarize what <@U2> said" }),
    );
    await answerIn("C1", mentionTs, "Echo: summarize what @Alice said");

    expect(questionSent(h.core, 0)).toBe("summarize what @Alice said");
    // The first words are posted in the thread as soon as they exist, then replaced by the whole answer.
    const [first] = h.slack.callsTo("chat.postMessage").slice(-1);
    expect(first?.params).toMatchObject({ channel: "C1", thread_ts: mentionTs });
    expect("Echo: summarize what @Alice said".startsWith(first?.params.text ?? "-")).toBe(true);
    expect(h.slack.calls.every((call) => call.authorization === "bot")).toBe(true);
    await h.adapter.idle();
    const messages = h.slack.messagesIn("C1", mentionTs);
    expect(messages.map((message) => message.text)).toEqual(["Echo: summarize what @Alice said"]);
    expect(messages[0]?.updates.length).toBeLessThanOrEqual(1);
  });

  it("continues a thread's conversation with its history on a later mention", async () => {
    const root = nextTs();
    await send(mentionEvent({ user: "U1", channel: "C1", ts: root, text: "<@UBOT> first question" }));
    await answerIn("C1", root, "Echo: first question");
    await send(
      mentionEvent({ user: "U2", channel: "C1", ts: nextTs(), threadTs: root, text: "<@UBOT> second" }),
    );
    await answerIn("C1", root, "Echo: second");

    const history = h.core.fakeOpenAI.requests[1]?.body.messages.map((m) => `${m.role}:${m.content}`);
    expect(history).toEqual(
      expect.arrayContaining(["user:first question", "assistant:Echo: first question", "user:second"]),
    );
  });

  it("answers DMs: one conversation at the top level, a separate one per DM thread", async () => {
    const first = nextTs();
    await send(
      messageEvent({ user: "U1", channel: "D1", channelType: "im", ts: first, text: "hello there" }),
    );
    await answerIn("D1", undefined, "Echo: hello there");
    await send(
      messageEvent({ user: "U1", channel: "D1", channelType: "im", ts: nextTs(), text: "and again" }),
    );
    await answerIn("D1", undefined, "Echo: and again");
    await send(
      messageEvent({
        user: "U1",
        channel: "D1",
        channelType: "im",
        ts: nextTs(),
        threadTs: first,
        text: "in a thread",
      }),
    );
    await answerIn("D1", first, "Echo: in a thread");

    const requests = h.core.fakeOpenAI.requests.map((r) => r.body.messages.map((m) => m.content));
    expect(requests[1]).toEqual(expect.arrayContaining(["hello there", "Echo: hello there", "and again"]));
    expect(requests[2]).not.toContain("hello there");
    // Top-level DM answers are posted at the top level, not in a thread.
    expect(
      h.slack.callsTo("chat.postMessage").some((c) => c.params.channel === "D1" && !c.params.thread_ts),
    ).toBe(true);
  });

  it("answers a redelivered event (same event_id, X-Slack-Retry-Num) once", async () => {
    const mentionTs = nextTs();
    const envelope = eventEnvelope(
      mentionEvent({ user: "U1", channel: "C2", ts: mentionTs, text: "<@UBOT> once" }),
    );
    const first = await postEvent(h.eventsUrl, SIGNING_SECRET, envelope);
    const retry = await postEvent(h.eventsUrl, SIGNING_SECRET, envelope, { retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await answerIn("C2", mentionTs, "Echo: once");
    // A later event is answered after the retry was processed; only then count.
    const sentinel = nextTs();
    await send(mentionEvent({ user: "U1", channel: "C2", ts: sentinel, text: "<@UBOT> sentinel" }));
    await answerIn("C2", sentinel, "Echo: sentinel");

    expect(h.core.fakeOpenAI.requests.map((_, i) => questionSent(h.core, i))).toEqual(["once", "sentinel"]);
    expect(h.slack.messagesIn("C2", mentionTs)).toHaveLength(1);
  });

  it("ignores bots, its own messages, edits and deletions", async () => {
    const base = { channel: "D3", channelType: "im" as const, text: "ignore me" };
    await send(messageEvent({ ...base, user: "U9", botId: "B9", ts: nextTs() }));
    await send(messageEvent({ ...base, user: "U9", subtype: "bot_message", ts: nextTs() }));
    await send(messageEvent({ ...base, user: "UBOT", ts: nextTs() }));
    await send(messageEvent({ ...base, user: "U1", subtype: "message_changed", ts: nextTs() }));
    await send(messageEvent({ ...base, subtype: "message_deleted", ts: nextTs() }));
    await send(messageEvent({ ...base, user: "U1", text: "sentinel", ts: nextTs() }));
    await answerIn("D3", undefined, "Echo: sentinel");

    expect(h.core.fakeOpenAI.requests).toHaveLength(1);
    expect(h.slack.messagesIn("D3")).toHaveLength(1);
  });

  it("never lets model output notify anyone", async () => {
    h.core.fakeOpenAI.setResponder(() => ({
      kind: "text",
      text: "Attention <!channel> <!here> <!everyone> <@U2> <!subteam^S1|@eng> & `<!here>`",
      chunks: 4,
    }));
    const mentionTs = nextTs();
    await send(mentionEvent({ user: "U1", channel: "C3", ts: mentionTs, text: "<@UBOT> shout" }));
    await answerIn("C3", mentionTs, "Attention");

    const sent = h.slack.calls.filter((c) => c.method.startsWith("chat.")).map((c) => c.params.text ?? "");
    for (const text of sent) expect(text).not.toMatch(/<[!@#]/);
    expect(h.slack.messagesIn("C3", mentionTs)[0]?.text).toContain("&lt;!channel&gt;");
  });

  it("splits a 50,000-character answer into ordered parts within the limit, nothing lost", async () => {
    const paragraphs = Array.from(
      { length: 400 },
      (_, i) => `P${i}: ${"lorem ipsum dolor sit amet ".repeat(4)}`,
    );
    const code = "```\nconst big = 1 < 2 && 3 > 2;\n".concat("x = x + 1;\n".repeat(600), "```");
    const text = `${paragraphs.slice(0, 200).join("\n\n")}\n\n${code}\n\n${paragraphs.slice(200).join("\n\n")}\n\nEND`;
    expect(text.length).toBeGreaterThan(50_000);
    h.core.fakeOpenAI.setResponder(() => ({ kind: "text", text, chunks: 25 }));
    const mentionTs = nextTs();
    await send(mentionEvent({ user: "U1", channel: "C4", ts: mentionTs, text: "<@UBOT> write a lot" }));
    await answerIn("C4", mentionTs, "END");

    const parts = h.slack.messagesIn("C4", mentionTs).map((m) => m.text);
    expect(parts.length).toBeGreaterThan(12);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4000);
      expect(part.split("```").length % 2).toBe(1);
    }
    const joined = parts.join("\n");
    let last = -1;
    for (let i = 0; i < 400; i++) {
      const at = joined.indexOf(`P${i}: `);
      expect(at).toBeGreaterThan(last);
      last = at;
    }
    expect(joined.split("x = x + 1;").length - 1).toBe(600);
    expect(joined).toContain("const big = 1 &lt; 2 &amp;&amp; 3 &gt; 2;");
  });

  it("streams into the placeholder and ends with the complete text in one final update", async () => {
    const text = Array.from({ length: 40 }, (_, i) => `token${i}`).join(" ");
    h.core.fakeOpenAI.setResponder(() => ({ kind: "text", text, chunks: 20, chunkDelayMs: 1 }));
    const mentionTs = nextTs();
    await send(mentionEvent({ user: "U1", channel: "C7", ts: mentionTs, text: "<@UBOT> stream it" }));
    await answerIn("C7", mentionTs, "token39");

    // The harness clock stands still, so no interval passes: twenty deltas, no interim edit, one final.
    const [message] = h.slack.messagesIn("C7", mentionTs);
    expect(message?.updates).toEqual([text]);
    expect(h.slack.callsTo("chat.update").filter((c) => c.params.channel === "C7")).toHaveLength(1);
  });

  it("shows the engine's short message when the model fails", async () => {
    h.core.fakeOpenAI.setResponder(() => ({ kind: "error", status: 401 }));
    const mentionTs = nextTs();
    await send(mentionEvent({ user: "U1", channel: "C5", ts: mentionTs, text: "<@UBOT> hi" }));
    await answerIn("C5", mentionTs, "not set up correctly");
  });

  it("waits out a 429 on chat.postMessage and still answers", async () => {
    h.slack.failNext("chat.postMessage", { kind: "rate_limited", retryAfterSeconds: 1 });
    const mentionTs = nextTs();
    await send(mentionEvent({ user: "U1", channel: "C6", ts: mentionTs, text: "<@UBOT> patience" }));
    await answerIn("C6", mentionTs, "Echo: patience");
    const posts = h.slack.callsTo("chat.postMessage").filter((c) => c.params.channel === "C6");
    expect(posts).toHaveLength(2);
    expect(h.slack.messagesIn("C6")).toHaveLength(1);
  });

  it("logs no credential", () => {
    const logs = h.core.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(SIGNING_SECRET);
  });
});

describe("Slack request verification", () => {
  const mention = () =>
    eventEnvelope(mentionEvent({ user: "U1", channel: "C8", ts: "5.1", text: "<@UBOT> hi" }));

  it("rejects a bad signature or a stale timestamp with 401 and calls nothing upstream", async () => {
    const slackCalls = h.slack.calls.length;
    const forged = await postEvent(h.eventsUrl, SIGNING_SECRET, mention(), { signWith: "not-the-secret" });
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const stale = await postEvent(h.eventsUrl, SIGNING_SECRET, mention(), { timestamp: tenMinutesAgo });
    const unsigned = await fetch(h.eventsUrl, { method: "POST", body: JSON.stringify(mention()) });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(h.core.fakeOpenAI.requests).toHaveLength(0);
    expect(h.slack.calls.length).toBe(slackCalls);
  });

  it("answers Slack's URL verification challenge", async () => {
    const response = await postEvent(h.eventsUrl, SIGNING_SECRET, {
      type: "url_verification",
      challenge: "c-123",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: "c-123" });
  });
});
