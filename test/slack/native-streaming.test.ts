import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mentionEvent } from "../fakes/slack/signed-requests.ts";
import { type SlackHarness, startSlackHarness } from "./harness.ts";
import { sendEvent } from "./requests.ts";

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ SLACK_NATIVE_STREAMING: "auto" });
  h.slack.setUser("U1", { displayName: "Bob" });
});
afterAll(async () => {
  await h.close();
});

describe("SLACK_NATIVE_STREAMING=auto through the real Bolt app and WebClient", () => {
  it("streams an answer in a thread with chat.startStream and chat.stopStream, never chat.update", async () => {
    h.core.fakeOpenAI.setResponder(() => ({
      kind: "text",
      text: "Streamed natively, in three pieces.",
      chunks: 3,
    }));
    await sendEvent(h, mentionEvent({ user: "U1", channel: "C1", ts: "5.1", text: "<@UBOT> stream please" }));
    await h.settled(1);
    expect(h.slack.messagesIn("C1", "5.1").map((message) => message.text)).toEqual([
      "Streamed natively, in three pieces.",
    ]);
    expect(h.slack.callsTo("chat.startStream")).toHaveLength(1);
    expect(h.slack.callsTo("chat.startStream")[0]?.params).toMatchObject({
      channel: "C1",
      thread_ts: "5.1",
      recipient_user_id: "U1",
    });
    expect(h.slack.callsTo("chat.stopStream")).toHaveLength(1);
    expect(h.slack.callsTo("chat.update")).toHaveLength(0);
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("falls back to post and update in a workspace whose Slack refuses to stream", async () => {
    h.slack.failNext("chat.startStream", { kind: "error", error: "feature_not_enabled" });
    h.core.fakeOpenAI.reset();
    await sendEvent(h, mentionEvent({ user: "U1", channel: "C1", ts: "6.1", text: "<@UBOT> and now?" }));
    await h.settled(2);
    expect(h.slack.messagesIn("C1", "6.1").map((message) => message.text)).toEqual(["Echo: and now?"]);
    expect(h.slack.callsTo("chat.startStream")).toHaveLength(2);
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(1);

    // Remembered: the next answer in that workspace does not try again.
    await sendEvent(h, mentionEvent({ user: "U1", channel: "C1", ts: "7.1", text: "<@UBOT> again" }));
    await h.settled(3);
    expect(h.slack.messagesIn("C1", "7.1").map((message) => message.text)).toEqual(["Echo: again"]);
    expect(h.slack.callsTo("chat.startStream")).toHaveLength(2);
  });
});
