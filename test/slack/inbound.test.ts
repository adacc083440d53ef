import { describe, expect, it } from "vitest";
import { parseAskText } from "../../adapters/slack/command-turns.ts";
import { mentionedUserIds, slackTextToPlain } from "../../adapters/slack/inbound-text.ts";
import { type RoutingContext, routeEvent } from "../../adapters/slack/routing.ts";

const names = new Map([["U2", "Alice"]]);
const plain = (text: string) => slackTextToPlain(text, { botUserId: "UBOT", names });

describe("slackTextToPlain", () => {
  it("strips the bot's mention wherever it is", () => {
    expect(plain("<@UBOT> summarize our refund policy")).toBe("summarize our refund policy");
    expect(plain("hey <@UBOT|llm> what now <@UBOT>")).toBe("hey what now");
  });

  it("names other users and renders channels, broadcasts, groups and links readably", () => {
    expect(plain("<@UBOT> ask <@U2> and <@U3|bob> in <#C1|general>")).toBe("ask @Alice and @bob in #general");
    expect(plain("<!here> <!channel> <!subteam^S1|@eng> <!date^1392734382^{date}|Feb 18>")).toBe(
      "@here @channel @eng Feb 18",
    );
    expect(plain("see <https://x.io/a|the docs> or <https://y.io> or <mailto:a@b.c|a@b.c>")).toBe(
      "see the docs (https://x.io/a) or https://y.io or a@b.c",
    );
  });

  it("decodes entities after control sequences, so escaped brackets stay text", () => {
    expect(plain("is 1 &lt; 2 &amp;&amp; &lt;@U2&gt; real?")).toBe("is 1 < 2 && <@U2> real?");
  });

  it("keeps line breaks", () => {
    expect(plain("<@UBOT> line one\nline two")).toBe("line one\nline two");
  });

  it("lists mentioned users once each", () => {
    expect(mentionedUserIds("<@U2> <@UBOT> <@U2|a> <@W9>")).toEqual(["U2", "UBOT", "W9"]);
  });
});

describe("parseAskText", () => {
  it("reads the private flag", () => {
    expect(parseAskText("--private what is x")).toEqual({ question: "what is x", isPrivate: true });
    expect(parseAskText("-p what")).toEqual({ question: "what", isPrivate: true });
    expect(parseAskText("private equity?")).toEqual({ question: "private equity?", isPrivate: false });
  });
});

describe("routeEvent", () => {
  const answered = new Set(["C1:100.1"]);
  const context = (replyInThreads: "mentions" | "all"): RoutingContext => ({
    botUserId: "UBOT",
    replyInThreads,
    answeredThread: (channel, thread) => answered.has(`${channel}:${thread}`),
  });
  const mentions = context("mentions");
  const all = context("all");

  it("answers a top-level mention in the thread it starts", () => {
    const route = routeEvent(
      { type: "app_mention", user: "U1", text: "<@UBOT> hi", ts: "100.5", channel: "C1" },
      mentions,
    );
    expect(route).toMatchObject({ threadId: "100.5", replyThreadTs: "100.5", isDirectMessage: false });
  });

  it("answers a mention inside a thread in that thread", () => {
    const route = routeEvent(
      {
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> more",
        ts: "100.9",
        thread_ts: "100.1",
        channel: "C1",
      },
      mentions,
    );
    expect(route).toMatchObject({ threadId: "100.1", replyThreadTs: "100.1" });
  });

  it("keeps one conversation for a DM's top level and one per DM thread", () => {
    const top = routeEvent(
      { type: "message", channel_type: "im", user: "U1", text: "hi", ts: "5.1", channel: "D1" },
      mentions,
    );
    expect(top).toMatchObject({ threadId: "main", replyThreadTs: undefined, isDirectMessage: true });
    const inThread = routeEvent(
      {
        type: "message",
        channel_type: "im",
        user: "U1",
        text: "hi",
        ts: "5.3",
        thread_ts: "5.1",
        channel: "D1",
      },
      mentions,
    );
    expect(inThread).toMatchObject({ threadId: "5.1", replyThreadTs: "5.1", isDirectMessage: true });
  });

  it("ignores bots, itself, edits, deletions and other subtypes", () => {
    const base = { type: "message", channel_type: "im", text: "x", ts: "1.1", channel: "D1" };
    expect(routeEvent({ ...base, user: "U1", bot_id: "B2" }, mentions)).toBeUndefined();
    expect(routeEvent({ ...base, user: "UBOT" }, mentions)).toBeUndefined();
    expect(routeEvent({ ...base, user: "U1", subtype: "bot_message" }, mentions)).toBeUndefined();
    expect(routeEvent({ ...base, user: "U1", subtype: "message_changed" }, mentions)).toBeUndefined();
    expect(routeEvent({ ...base, subtype: "message_deleted" }, mentions)).toBeUndefined();
    expect(routeEvent({ ...base, user: "U1", subtype: "channel_join" }, mentions)).toBeUndefined();
    expect(routeEvent({ ...base, user: "U1", subtype: "thread_broadcast" }, mentions)).toBeDefined();
  });

  it("notes files shared with a message, with or without text", () => {
    const file = { id: "F1", name: "a.pdf" };
    const shared = { type: "message", channel_type: "im", user: "U1", ts: "1.1", channel: "D1" };
    expect(routeEvent({ ...shared, text: "", subtype: "file_share", files: [file] }, mentions)).toMatchObject(
      {
        text: "",
        attachments: [{ name: "a.pdf" }],
      },
    );
    expect(
      routeEvent(
        { type: "app_mention", user: "U1", text: "<@UBOT> x", ts: "1.2", channel: "C1", files: [file] },
        mentions,
      ),
    ).toMatchObject({ attachments: [{ name: "a.pdf" }] });
    expect(routeEvent({ ...shared, text: "plain", files: [] }, mentions)).toMatchObject({
      attachments: [],
    });
  });

  it("leaves DM mentions to message.im so a DM is answered once", () => {
    expect(
      routeEvent({ type: "app_mention", user: "U1", text: "<@UBOT> x", ts: "1.1", channel: "D1" }, mentions),
    ).toBeUndefined();
  });

  it("follows threads without a mention only with SLACK_REPLY_IN_THREADS=all, in answered threads", () => {
    const followUp = {
      type: "message",
      channel_type: "channel",
      user: "U1",
      text: "and then?",
      ts: "100.7",
      thread_ts: "100.1",
      channel: "C1",
    };
    expect(routeEvent(followUp, mentions)).toBeUndefined();
    expect(routeEvent(followUp, all)).toMatchObject({ threadId: "100.1", replyThreadTs: "100.1" });
    expect(routeEvent({ ...followUp, thread_ts: "999.1" }, all)).toBeUndefined();
    expect(routeEvent({ ...followUp, ts: "100.1" }, all)).toBeUndefined();
    // The app_mention event of the same message answers it.
    expect(routeEvent({ ...followUp, text: "<@UBOT> and then?" }, all)).toBeUndefined();
  });
});
