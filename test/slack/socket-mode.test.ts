import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandFields, eventEnvelope, mentionEvent } from "../fakes/slack/signed-requests.ts";
import { APP_TOKEN, BOT_TOKEN, questionSent, type SlackHarness, startSlackHarness } from "./harness.ts";

let h: SlackHarness;

beforeAll(async () => {
  // An app token switches to Socket Mode; no signing secret is needed there.
  h = await startSlackHarness({ SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: "" });
});
afterAll(async () => {
  await h.close();
});

describe("Slack over Socket Mode", () => {
  it("connects with the app token", () => {
    expect(h.adapter.mode).toBe("socket");
    expect(h.adapter.httpServer).toBeUndefined();
    // Once to check the token can connect at all, once by the Socket Mode client itself.
    expect(h.slack.callsTo("apps.connections.open").map((c) => c.authorization)).toEqual(["app", "app"]);
    expect(h.slack.socketMode.connectionCount()).toBe(1);
  });

  it("acks and answers a mention in its thread, and a redelivery once", async () => {
    const body = eventEnvelope(
      mentionEvent({ user: "U1", channel: "C1", ts: "7.1", text: "<@UBOT> over the socket" }),
    );
    const envelopeId = h.slack.socketMode.sendEvent(body);
    const retryId = h.slack.socketMode.sendEvent(body, { retryAttempt: 1 });
    await h.slack.waitFor(
      () => h.slack.messagesIn("C1", "7.1").some((m) => m.text === "Echo: over the socket"),
      "the socket answer",
    );
    await h.slack.waitFor(
      () =>
        [envelopeId, retryId].every((id) => h.slack.socketMode.acks.some((ack) => ack.envelope_id === id)),
      "both acks",
    );
    const sentinel = eventEnvelope(
      mentionEvent({ user: "U1", channel: "C1", ts: "7.5", text: "<@UBOT> sentinel" }),
    );
    h.slack.socketMode.sendEvent(sentinel);
    await h.slack.waitFor(
      () =>
        h.slack.messagesIn("C1", "7.5").length === 1 &&
        h.slack.messagesIn("C1", "7.5")[0]?.text === "Echo: sentinel",
      "sentinel",
    );

    expect(h.core.fakeOpenAI.requests.map((_, i) => questionSent(h.core, i))).toEqual([
      "over the socket",
      "sentinel",
    ]);
    expect(h.slack.messagesIn("C1", "7.1")).toHaveLength(1);
  });

  it("handles a slash command envelope: private /ask acks with the placeholder", async () => {
    const envelopeId = h.slack.socketMode.sendCommand(
      commandFields({
        command: "/ask",
        text: "-p quietly",
        user: "U1",
        channel: "C1",
        responseUrl: h.slack.responseUrl("s1"),
      }),
    );
    await h.slack.waitFor(() => h.slack.responses.some((r) => r.id === "s1"), "the private answer");
    expect(h.slack.socketMode.acks.find((ack) => ack.envelope_id === envelopeId)?.payload).toEqual({
      response_type: "ephemeral",
      text: "…thinking",
    });
    expect(h.slack.responses.find((r) => r.id === "s1")?.body).toMatchObject({ text: "Echo: quietly" });
  });

  it("logs no credential", () => {
    expect(h.core.logs.text()).not.toContain(BOT_TOKEN);
    expect(h.core.logs.text()).not.toContain(APP_TOKEN);
  });
});
