import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_SLACK_BODY_BYTES, SERVER_TIMEOUTS } from "../../adapters/slack/request-guard.ts";
import { createMetrics } from "../../src/monitoring/metrics.ts";
import { postCommand, postEvent, slackSignatureHeaders } from "../fakes/slack/signed-requests.ts";
import { SIGNING_SECRET, type SlackHarness, startSlackHarness } from "./harness.ts";
import { rawRequest, slackFixture, slackJson } from "./hostile-requests.ts";

const metrics = createMetrics({ processMetrics: false });
let h: SlackHarness;
let port: number;
beforeAll(async () => {
  h = await startSlackHarness({}, {}, { metrics });
  port = Number(new URL(h.eventsUrl).port);
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.core.fakeOpenAI.reset();
  metrics.slackRejected.reset();
});

async function rejected(reason: string): Promise<number> {
  const { values } = await metrics.slackRejected.get();
  return values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

const refusalLines = () =>
  h.core.logs.entries().filter((entry) => String(entry.msg).startsWith("slack requests refused"));
const boltVerifyLines = () =>
  h.core.logs.entries().filter((entry) => String(entry.msg).includes("verify the request data"));

/** A 40,000-character text (Slack's limit), all of it escaped by Slack's JSON as \uXXXX. */
const longestText = "問".repeat(40_000);

/** The bolt-python message_changed capture with both messages at Slack's largest. */
function largestMessageChanged(): string {
  const body = JSON.parse(slackFixture("message-changed.json"));
  for (const message of [body.event.message, body.event.previous_message]) {
    message.text = longestText;
    message.blocks[0].elements[0].elements[0].text = longestText;
  }
  return slackJson(body);
}

/** The bolt-python shared-channel mention capture, at Slack's largest, with blocks as Slack adds them. */
function largestMention(channel: string, ts: string): string {
  const body = JSON.parse(slackFixture("shared-channel-mention.json"));
  const text = `<@UBOT> ${longestText}`;
  Object.assign(body, { team_id: "T1", event_id: `EvLargest${ts}` });
  body.authorizations[0].team_id = "T1";
  Object.assign(body.event, { text, channel, ts, event_ts: ts, user: "U1", team: "T1" });
  body.event.blocks = [
    {
      type: "rich_text",
      block_id: "xwvU3",
      elements: [{ type: "rich_text_section", elements: [{ type: "text", text }] }],
    },
  ];
  return slackJson(body);
}

describe("requests to /slack/events are checked before their body is read (#6)", () => {
  it("an unsigned request is refused as soon as its headers arrive, its 4 MB body unread", async () => {
    const announced = 4 * 1024 * 1024;
    // Only the first kilobyte is sent: Bolt alone would wait for the rest before checking anything.
    const response = await rawRequest(
      port,
      { "content-type": "application/json" },
      announced,
      Buffer.alloc(1024),
    );
    expect(response.status).toBe(401);
    expect(await rejected("unsigned")).toBe(1);
    expect(h.core.fakeOpenAI.requests).toHaveLength(0);
  });

  it("a signed request announcing more than Slack ever sends is refused with 413, unread", async () => {
    const headers = { "content-type": "application/json", ...slackSignatureHeaders(SIGNING_SECRET, "x") };
    const response = await rawRequest(port, headers, MAX_SLACK_BODY_BYTES + 1, Buffer.alloc(1024));
    expect(response.status).toBe(413);
    expect(await rejected("too_large")).toBe(1);
  });

  it("the largest body Slack sends is within the cap, and the largest mention is answered", async () => {
    const messageChanged = Buffer.byteLength(largestMessageChanged());
    const ts = "1595926230.009601";
    const mention = largestMention("CBIG", ts);
    // Measured: a mention at Slack's limits is ~0.49 MB, an edit carrying both versions ~0.97 MB.
    expect(Buffer.byteLength(mention) * 2).toBeLessThan(MAX_SLACK_BODY_BYTES);
    expect(messageChanged).toBeLessThan(MAX_SLACK_BODY_BYTES);
    const response = await fetch(h.eventsUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...slackSignatureHeaders(SIGNING_SECRET, mention) },
      body: mention,
    });
    expect(response.status).toBe(200);
    await h.slack.waitFor(
      () => h.slack.messagesIn("CBIG", ts).some((m) => m.text.startsWith("Echo:")),
      "the answer to the largest mention",
    );
    expect(h.core.fakeOpenAI.requests).toHaveLength(1);
  });

  it("the server caps its connections and waits far less than Node's defaults for headers and bodies", () => {
    const server = h.adapter.httpServer;
    expect(server?.maxConnections).toBe(128);
    expect(server?.headersTimeout).toBe(SERVER_TIMEOUTS.headersTimeoutMs);
    expect(server?.requestTimeout).toBe(SERVER_TIMEOUTS.requestTimeoutMs);
    expect(SERVER_TIMEOUTS.headersTimeoutMs).toBeLessThan(60_000 / 4);
    expect(SERVER_TIMEOUTS.requestTimeoutMs).toBeLessThan(300_000 / 4);
  });
});

describe("replays and clocks (#7)", () => {
  it("a correctly signed request dated a year ahead is refused", async () => {
    const body = JSON.parse(slackFixture("shared-channel-mention.json"));
    Object.assign(body.event, { channel: "CFUT", text: "<@UBOT> from the future" });
    const aYearAhead = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
    const response = await postEvent(h.eventsUrl, SIGNING_SECRET, body, { timestamp: aYearAhead });
    expect(response.status).toBe(401);
    expect(await rejected("future")).toBe(1);
    expect(h.slack.messagesIn("CFUT")).toHaveLength(0);
    expect(h.core.fakeOpenAI.requests).toHaveLength(0);
  });

  it("a captured signed /ask replayed three times is answered once (trigger_id)", async () => {
    const fields = Object.fromEntries(new URLSearchParams(slackFixture("slash-command.form")));
    Object.assign(fields, {
      command: "/ask",
      text: "replayed question",
      team_id: "T1",
      user_id: "U1",
      channel_id: "CREPLAY",
      response_url: h.slack.responseUrl("replayed"),
    });
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      statuses.push((await postCommand(h.eventsUrl, SIGNING_SECRET, fields)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
    await h.slack.waitFor(
      () => h.slack.messagesIn("CREPLAY").some((m) => m.text.includes("Echo: replayed question")),
      "the answer to the first delivery",
    );
    await h.adapter.idle();
    expect(h.core.fakeOpenAI.requests).toHaveLength(1);
    expect(h.slack.messagesIn("CREPLAY").filter((m) => m.text.includes("Echo:"))).toHaveLength(1);
  });

  it("unsigned requests are counted, and logged once per interval, not once each", async () => {
    const before = refusalLines().length;
    const boltBefore = boltVerifyLines().length;
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(h.eventsUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: "event_callback", event_id: `EvUnsigned${i}` }),
        }).then((response) => response.status),
      ),
    );
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 401));
    expect(await rejected("unsigned")).toBe(20);
    expect(refusalLines().length - before).toBeLessThanOrEqual(1);
    expect(boltVerifyLines().length - boltBefore).toBe(0);
  });
});
