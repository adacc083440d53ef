import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { conversationKey } from "../../src/conversation/turn.ts";
import { translate } from "../../src/i18n/translate.ts";
import { postEvent } from "../fakes/slack/signed-requests.ts";
import { SIGNING_SECRET, type SlackHarness, startSlackHarness } from "./harness.ts";
import { slackFixture } from "./hostile-requests.ts";
import { answerIn, privateReply, sendCommand, textsIn } from "./requests.ts";

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ ALLOWED_WORKSPACE_IDS: "T1" });
  h.slack.setUser("U1", { displayName: "Bob" });
  h.slack.setUser("U2", { displayName: "Alice" });
  h.slack.setUser("UADMIN", { displayName: "Our admin", isAdmin: true });
  h.slack.setUser("WEXT", { displayName: "Their admin", isAdmin: true, teamId: "T_OTHER" });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.core.fakeOpenAI.reset();
});

let eventCounter = 0;
const nextEventId = () => {
  eventCounter += 1;
  return `EvPlatform${eventCounter}`;
};

async function deliver(body: Record<string, unknown>): Promise<void> {
  const response = await postEvent(h.eventsUrl, SIGNING_SECRET, body);
  expect(response.status).toBe(200);
}

/**
 * The slack-go capture of an edited app_mention (payload as HTTP delivers it), with our ids: the
 * original delivery has no `edited` field, each edit is a new event_id with the same ts.
 */
function mentionDelivery(fields: { channel: string; ts: string; text: string; edited: boolean }) {
  const { payload } = JSON.parse(slackFixture("edited-app-mention.json"));
  const { edited, thread_ts: _thread, ...event } = payload.event;
  return {
    ...payload,
    team_id: "T1",
    type: "event_callback",
    event_id: nextEventId(),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: "T1", user_id: "UBOT", is_bot: true }],
    event: {
      ...event,
      user: "U1",
      team: "T1",
      channel: fields.channel,
      ts: fields.ts,
      event_ts: fields.edited ? edited.ts : fields.ts,
      text: fields.text,
      ...(fields.edited ? { edited: { ...edited, user: "U1" } } : {}),
    },
  };
}

/** The bolt-python message_changed capture for the message at `ts`. */
function messageChanged(channel: string, ts: string, text: string) {
  const body = JSON.parse(slackFixture("message-changed.json"));
  Object.assign(body, { team_id: "T1", event_id: nextEventId() });
  body.authorizations[0].team_id = "T1";
  Object.assign(body.event, { channel });
  Object.assign(body.event.message, { ts, text, user: "U1", team: "T1" });
  Object.assign(body.event.previous_message, { ts, user: "U1", team: "T1" });
  return body;
}

/** Waits for a sentinel question in another channel: events sent before it have been handled by then. */
async function allHandled(channel: string): Promise<void> {
  const ts = `${Date.now()}.000999`;
  await deliver(mentionDelivery({ channel, ts, text: "<@UBOT> sentinel", edited: false }));
  await answerIn(h, channel, ts, "Echo: sentinel");
  await h.adapter.idle();
}

const answersIn = (channel: string) =>
  h.slack.messagesIn(channel).filter((message) => message.text.startsWith("Echo:"));

describe("edited mentions (#1)", () => {
  it("an edit of a mention already answered gets no second answer, nor does its message_changed", async () => {
    const ts = "1706785424.099119";
    await deliver(mentionDelivery({ channel: "CEDIT1", ts, text: "<@UBOT> first version", edited: false }));
    await answerIn(h, "CEDIT1", ts, "Echo: first version");
    await deliver(mentionDelivery({ channel: "CEDIT1", ts, text: "<@UBOT> second version", edited: true }));
    await deliver(messageChanged("CEDIT1", ts, "<@UBOT> second version"));
    await allHandled("CSENT1");
    expect(answersIn("CEDIT1").map((message) => message.text)).toEqual(["Echo: first version"]);
    expect(h.core.fakeOpenAI.requests).toHaveLength(2); // the question and the sentinel
  });

  it("a message that gains its mention by an edit is answered once, however often it is edited", async () => {
    const ts = "1706785500.000100";
    await deliver(mentionDelivery({ channel: "CEDIT2", ts, text: "<@UBOT> forgot to ask", edited: true }));
    await answerIn(h, "CEDIT2", ts, "Echo: forgot to ask");
    await deliver(mentionDelivery({ channel: "CEDIT2", ts, text: "<@UBOT> forgot to ask!", edited: true }));
    await allHandled("CSENT2");
    expect(answersIn("CEDIT2")).toHaveLength(1);
  });
});

describe("Slack Connect and Enterprise Grid (#2)", () => {
  /** bolt-python's shared-channel capture: the channel is another organization's, the install ours. */
  function sharedChannelMention(channel: string, ts: string, text: string) {
    const body = JSON.parse(slackFixture("shared-channel-mention.json"));
    Object.assign(body, { team_id: "T_SOURCE", enterprise_id: "E_SOURCE", event_id: nextEventId() });
    body.authorizations[0].team_id = "T1";
    body.authorizations[0].user_id = "UBOT";
    Object.assign(body.event, { channel, ts, event_ts: ts, text, user: "U1", team: "T1" });
    return body;
  }

  it("our user in another organization's channel is served, and the turn is our workspace's", async () => {
    const ts = "1595926230.009600";
    await deliver(sharedChannelMention("CSHARED", ts, "<@UBOT> Hi there!"));
    await answerIn(h, "CSHARED", ts, "Echo: Hi there!");
    const ours = conversationKey({
      platform: "slack",
      workspaceId: "T1",
      channelId: "CSHARED",
      threadId: ts,
    });
    const theirs = conversationKey({
      platform: "slack",
      workspaceId: "T_SOURCE",
      channelId: "CSHARED",
      threadId: ts,
    });
    await h.adapter.idle();
    expect(await h.core.services.stores.history.read(ours, 10)).toHaveLength(1);
    expect(await h.core.services.stores.history.read(theirs, 10)).toHaveLength(0);
  });

  it("/config from an admin of another organization is refused; our admin may use it", async () => {
    const theirs = await sendCommand(h, {
      command: "/config",
      text: "system-prompt set Talk like a pirate.",
      user: "WEXT",
      channel: "CSHARED",
    });
    expect(await privateReply(h, theirs.id)).toBe(translate("en", "error.not_admin"));
    const ours = await sendCommand(h, {
      command: "/config",
      text: "system-prompt set Be brief.",
      user: "UADMIN",
      channel: "CSHARED",
    });
    expect(await privateReply(h, ours.id)).not.toBe(translate("en", "error.not_admin"));
  });
});

describe("/ask in a DM between two people (#5)", () => {
  /** The bot is not in the DM: Slack refuses its post there, and the answer comes privately. */
  async function askInTheirDm(user: string, text: string): Promise<string> {
    h.slack.failNext("chat.postMessage", { kind: "error", error: "channel_not_found" });
    const { id } = await sendCommand(h, { command: "/ask", text, user, channel: "DPEOPLE" });
    return privateReply(h, id);
  }
  const questionsSent = (index: number) =>
    (h.core.fakeOpenAI.requests[index]?.body.messages ?? [])
      .filter((m) => m.role === "user")
      .map((m) => m.content);

  it("each person has their own conversation there: no one's turn reaches the other, no one's reset", async () => {
    expect(await askInTheirDm("U2", "alice private question")).toBe("Echo: alice private question");
    expect(await askInTheirDm("U1", "bob question")).toBe("Echo: bob question");
    expect(questionsSent(1)).toEqual(["bob question"]);

    const reset = await sendCommand(h, { command: "/reset", text: "", user: "U1", channel: "DPEOPLE" });
    await privateReply(h, reset.id);
    expect(await askInTheirDm("U2", "alice again")).toBe("Echo: alice again");
    expect(questionsSent(2)).toEqual(["alice private question", "alice again"]);
    expect(textsIn(h, "DPEOPLE", undefined)).toEqual([]);
  });
});

describe("group DMs (#12)", () => {
  /** Slack's documented message.mpim example, in our workspace, mentioning the bot. */
  function mpimMessage(ts: string, text: string) {
    const body = JSON.parse(slackFixture("message-mpim.json"));
    Object.assign(body, { team_id: "T1", event_id: nextEventId() });
    Object.assign(body.authorizations[0], { team_id: "T1", user_id: "UBOT", is_bot: true });
    Object.assign(body.event, { user: "U1", ts, event_ts: ts, text });
    return body;
  }

  it("a mention in a group DM is answered once in its thread, with or without an app_mention twin", async () => {
    const ts = "1355517523.000005";
    await deliver(mpimMessage(ts, "<@UBOT> Let's make a pact."));
    await answerIn(h, "G024BE91L", ts, "Echo: Let's make a pact.");
    // The same message as app_mention, as Slack may also deliver it.
    await deliver(
      mentionDelivery({ channel: "G024BE91L", ts, text: "<@UBOT> Let's make a pact.", edited: false }),
    );
    // A group DM message without a mention is not for the bot.
    await deliver(mpimMessage("1355517524.000001", "just talking among ourselves"));
    await allHandled("CSENT3");
    expect(answersIn("G024BE91L")).toHaveLength(1);
  });
});
