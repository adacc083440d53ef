import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebClientMessenger } from "../../adapters/slack/messenger.ts";
import { StreamingReply, type StreamingReplyOptions } from "../../adapters/slack/streaming-reply.ts";
import { slackClientOptions } from "../../adapters/slack/web-client.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { type FakeSlack, startFakeSlack } from "../fakes/slack/web-api.ts";
import { ManualClock } from "./manual-clock.ts";

let slack: FakeSlack;
let client: webApi.WebClient;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.calls.length = 0;
  slack.messages.length = 0;
  client = new webApi.WebClient(
    "xoxb-test",
    slackClientOptions({
      slackApiUrl: slack.apiUrl,
      logger: silentLogger,
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 },
    }),
  );
});

function options(clock: ManualClock, overrides: Partial<StreamingReplyOptions> = {}): StreamingReplyOptions {
  return {
    messenger: new WebClientMessenger(client),
    channelId: "C1",
    threadTs: "100.1",
    logger: silentLogger,
    updateIntervalMs: 1000,
    clock,
    ...overrides,
  };
}

describe("StreamingReply", () => {
  it("updates at most once per interval while text streams, then writes the final text", async () => {
    const clock = new ManualClock();
    const reply = await StreamingReply.open(options(clock), "…thinking");
    let text = "";
    reply.show(text);
    for (let step = 1; step <= 50; step++) {
      clock.advance(100);
      text += `word${step} `;
      reply.show(text);
      await reply.settled();
    }
    await reply.finish(`${text}done`);

    // 5 seconds of streaming at one round per second, plus the final update.
    expect(reply.interimRounds).toBe(5);
    expect(slack.callsTo("chat.update")).toHaveLength(6);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
    const [message] = slack.messagesIn("C1", "100.1");
    expect(message?.text).toBe(`${text}done`);
  });

  it("writes nothing between rounds when the clock does not move", async () => {
    const clock = new ManualClock();
    const reply = await StreamingReply.open(options(clock), "…thinking");
    for (let step = 0; step < 20; step++) reply.show(`part ${step}`);
    await reply.finish("final answer");
    expect(reply.interimRounds).toBe(0);
    expect(slack.callsTo("chat.update")).toHaveLength(1);
    expect(slack.messagesIn("C1")[0]?.text).toBe("final answer");
  });

  it("posts the final text as a new message when the final update is refused", async () => {
    const clock = new ManualClock();
    const reply = await StreamingReply.open(options(clock), "…thinking");
    slack.failNext("chat.update", { kind: "error", error: "cant_update_message" });
    await reply.finish("the answer");
    expect(slack.callsTo("chat.update")).toHaveLength(1);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(2);
    expect(slack.messagesIn("C1", "100.1").map((m) => m.text)).toEqual(["the answer"]);
  });

  it("rolls a long answer over into further messages of the thread, in order", async () => {
    const clock = new ManualClock();
    const reply = await StreamingReply.open(options(clock, { partLimit: 400 }), "…thinking");
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${"lorem ipsum ".repeat(10)}`);
    for (let count = 1; count <= paragraphs.length; count++) {
      clock.advance(1000);
      reply.show(paragraphs.slice(0, count).join("\n\n"));
      await reply.settled();
    }
    await reply.finish(paragraphs.join("\n\n"));
    const thread = slack.messagesIn("C1", "100.1");
    expect(thread.length).toBeGreaterThan(2);
    expect(thread.every((m) => m.text.length <= 400)).toBe(true);
    const shown = thread.map((m) => m.text).join("\n\n");
    for (const paragraph of paragraphs) expect(shown).toContain(paragraph.trim());
    expect(shown.indexOf("Paragraph 11")).toBeGreaterThan(shown.indexOf("Paragraph 10"));
  });

  it("deletes parts the final text no longer needs", async () => {
    const clock = new ManualClock();
    const reply = await StreamingReply.open(options(clock, { partLimit: 400 }), "…thinking");
    clock.advance(1000);
    reply.show(
      Array.from({ length: 6 }, (_, i) => `Paragraph ${i} ${"lorem ipsum ".repeat(10)}`).join("\n\n"),
    );
    await reply.settled();
    expect(slack.messagesIn("C1").length).toBeGreaterThan(1);
    await reply.finish("Sorry, that went wrong.");
    expect(slack.messagesIn("C1").map((m) => m.text)).toEqual(["Sorry, that went wrong."]);
    expect(slack.callsTo("chat.delete").length).toBeGreaterThan(0);
  });
});
