import { afterEach, describe, expect, it } from "vitest";
import type { SlackAdapterOptions } from "../../adapters/slack/index.ts";
import { translate } from "../../src/i18n/translate.ts";
import { mentionEvent, messageEvent } from "../fakes/slack/signed-requests.ts";
import { type SlackHarness, startSlackHarness } from "./harness.ts";
import { answerIn, messageMatching, privateReply, sendCommand, sendEvent, textsIn } from "./requests.ts";

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(env: Record<string, string>, options: SlackAdapterOptions = {}): Promise<SlackHarness> {
  h = await startSlackHarness(env, options);
  h.slack.setUser("U1", { displayName: "Bob" });
  h.slack.setUser("U2", { displayName: "Alice" });
  return h;
}

const mention = (user: string, channel: string, ts: string, text: string) =>
  mentionEvent({ user, channel, ts, text: `<@UBOT> ${text}` });

/** Slack calls that would show something in `channel`. */
const writesTo = (h: SlackHarness, channel: string) =>
  h.slack.calls.filter((call) => call.method.startsWith("chat.") && call.params.channel === channel);

/** The converter guards `~` and `_` with zero-width spaces; compare what people read. */
const visible = (text: string) => text.replaceAll("\u200b", "");

describe("budgets", () => {
  it("refuses past a user's daily budget without an upstream call, and serves again the next day", async () => {
    const t = await start({ USER_DAILY_TOKEN_BUDGET: "50", CACHE_TTL_SECONDS: "0" });
    t.core.fakeOpenAI.setResponder(() => ({
      kind: "text",
      text: "fine",
      usage: { prompt_tokens: 40, completion_tokens: 20 },
    }));
    await sendEvent(t, mention("U1", "C1", "1.1", "one"));
    await answerIn(t, "C1", "1.1", "fine");

    await sendEvent(t, mention("U1", "C1", "2.1", "two"));
    await messageMatching(
      t,
      "C1",
      "2.1",
      /^You've used your token budget for today\. It resets in (\d+ h )?\d+ min \(midnight UTC\)\.$/,
    );

    // /ask refused: the asker alone hears it, and the question posted for them is taken back.
    const ask = await sendCommand(t, { command: "/ask", text: "three", user: "U1", channel: "C1" });
    expect(await privateReply(t, ask.id)).toMatch(/^You've used your token budget/);
    await t.settled(3);
    expect(textsIn(t, "C1", undefined)).toEqual([]);
    expect(t.slack.callsTo("chat.delete")).toHaveLength(1);
    expect(t.core.fakeOpenAI.requests).toHaveLength(1);

    // Another user's budget is their own.
    await sendEvent(t, mention("U2", "C1", "3.1", "four"));
    await answerIn(t, "C1", "3.1", "fine");
    await t.core.clock.sleep(24 * 3_600_000); // the next UTC day
    await sendEvent(t, mention("U1", "C1", "4.1", "five"));
    await answerIn(t, "C1", "4.1", "fine");
    expect(t.core.fakeOpenAI.requests).toHaveLength(3);
  });

  it("posts the 80 % and 100 % workspace warnings once each to the Slack admin channel, then refuses", async () => {
    const t = await start({
      WORKSPACE_DAILY_TOKEN_BUDGET: "100",
      CACHE_TTL_SECONDS: "0",
      // A Discord channel id too: that one is the Discord adapter's to post to.
      ADMIN_CHANNEL_ID: "CADMIN01,123456789012345678",
    });
    // As app/main.ts wires it: engine notices go to the adapter of their platform.
    t.core.services.engine.onNotice((notice) => {
      void t.adapter.postNotice?.(notice);
    });
    t.core.fakeOpenAI.setResponder(() => ({
      kind: "text",
      text: "fine",
      usage: { prompt_tokens: 30, completion_tokens: 12 },
    }));
    for (const ts of ["1.1", "2.1", "3.1"]) {
      await sendEvent(t, mention("U1", "C1", ts, `question ${ts}`));
      await answerIn(t, "C1", ts, "fine");
    }
    await t.slack.waitFor(() => t.slack.messagesIn("CADMIN01").length === 2, "two notices");
    expect(t.slack.messagesIn("CADMIN01").map((m) => m.text)).toEqual([
      translate("en", "budget.warning", { percent: 80, used: 84, budget: 100 }),
      translate("en", "budget.warning", { percent: 100, used: 126, budget: 100 }),
    ]);

    await sendEvent(t, mention("U2", "C1", "4.1", "more"));
    await messageMatching(t, "C1", "4.1", /^This workspace has used its token budget for today/);
    expect(t.core.fakeOpenAI.requests).toHaveLength(3);
    expect(t.slack.calls.filter((call) => call.params.channel === "123456789012345678")).toHaveLength(0);
  });

  it("still posts a notice to the other admin channels when one refuses it", async () => {
    const t = await start({ ADMIN_CHANNEL_ID: "CADMIN01,GADMIN02" });
    t.slack.failNext("chat.postMessage", { kind: "error", error: "not_in_channel" });
    const notice = {
      platform: "slack" as const,
      workspaceId: "T1",
      percent: 80 as const,
      usedTokens: 80,
      budgetTokens: 100,
      text: "Budget <!channel> & co",
    };
    await t.adapter.postNotice?.(notice);
    const delivered = [...t.slack.messagesIn("CADMIN01"), ...t.slack.messagesIn("GADMIN02")];
    expect(delivered.map((m) => m.text)).toEqual(["Budget &lt;!channel&gt; &amp; co"]);
    expect(t.core.logs.entries().filter((e) => e.msg === "slack could not post a notice")).toHaveLength(1);
  });
});

describe("per-user rate limit", () => {
  it("sends one slow-down notice per window, then stays silent, with no upstream call", async () => {
    const t = await start({ USER_RATE_LIMIT_PER_MINUTE: "1", CACHE_TTL_SECONDS: "0" });
    await sendEvent(t, mention("U1", "C1", "1.1", "first"));
    await answerIn(t, "C1", "1.1", "Echo: first");
    await sendEvent(t, mention("U1", "C1", "2.1", "second"));
    await answerIn(t, "C1", "2.1", translate("en", "error.slow_down"));
    await sendEvent(t, mention("U1", "C1", "3.1", "third"));
    await t.settled(3);
    // Silent means silent: not even a placeholder that is taken back.
    expect(t.slack.calls.filter((call) => call.params.thread_ts === "3.1")).toHaveLength(0);
    expect(t.slack.callsTo("chat.delete")).toHaveLength(0);
    expect(t.core.fakeOpenAI.requests).toHaveLength(1);

    await t.core.clock.sleep(61_000); // the next window
    await sendEvent(t, mention("U1", "C1", "4.1", "fourth"));
    await answerIn(t, "C1", "4.1", "Echo: fourth");
    expect(t.core.fakeOpenAI.requests).toHaveLength(2);
  });
});

describe("access control", () => {
  const rules = {
    ALLOWED_WORKSPACE_IDS: "T1",
    ALLOWED_CHANNEL_IDS: "COPEN001",
    BLOCKED_USER_IDS: "UBAD",
    DMS_ENABLED: "false",
  };

  it("ignores refused channel messages without a trace", async () => {
    const t = await start(rules);
    await sendEvent(t, mention("U1", "CSHUT001", "1.1", "not here"));
    await sendEvent(t, mention("UBAD", "COPEN001", "2.1", "blocked"));
    await sendEvent(t, mention("U1", "COPEN001", "3.1", "other team"), { teamId: "T2" });
    await t.settled(3);
    expect(t.slack.calls.filter((call) => call.method.startsWith("chat."))).toHaveLength(0);

    await sendEvent(t, mention("U1", "COPEN001", "4.1", "allowed"));
    await answerIn(t, "COPEN001", "4.1", "Echo: allowed");
    expect(t.core.fakeOpenAI.requests).toHaveLength(1);
  });

  it("answers refused DMs and slash commands with a short refusal", async () => {
    const t = await start(rules);
    await sendEvent(t, messageEvent({ user: "U1", channel: "D1", channelType: "im", ts: "1.1", text: "hi" }));
    await answerIn(t, "D1", undefined, translate("en", "error.dms_disabled"));

    const publicAsk = await sendCommand(t, { command: "/ask", text: "hi", user: "U1", channel: "CSHUT001" });
    expect(await privateReply(t, publicAsk.id)).toBe(translate("en", "error.access_denied"));
    const privateAsk = await sendCommand(t, {
      command: "/ask",
      text: "--private hi",
      user: "UBAD",
      channel: "COPEN001",
    });
    expect(await privateReply(t, privateAsk.id)).toBe(translate("en", "error.access_denied"));
    await t.settled(3);
    // The question /ask posted in the refused channel was taken back.
    expect(t.slack.messagesIn("CSHUT001")).toEqual([]);
    expect(writesTo(t, "CSHUT001").map((call) => call.method)).toEqual(["chat.postMessage", "chat.delete"]);
    expect(t.slack.messagesIn("COPEN001")).toEqual([]);
    expect(t.core.fakeOpenAI.requests).toHaveLength(0);
  });

  it("takes a placeholder back when it was already shown (placeholder delay 0)", async () => {
    const t = await start(rules, { placeholderDelayMs: 0 });
    await sendEvent(t, mention("U1", "CSHUT001", "1.1", "not here"));
    await t.settled(1);
    expect(writesTo(t, "CSHUT001").map((call) => call.method)).toEqual(["chat.postMessage", "chat.delete"]);
    expect(t.slack.messagesIn("CSHUT001")).toEqual([]);
  });
});

describe("/usage", () => {
  it("reports exactly the tokens the model server reported, with costs, and top users to admins", async () => {
    const t = await start({ OPENAI_MODEL: "gpt-4.1-mini", CACHE_TTL_SECONDS: "0" });
    t.slack.setUser("UADM", { displayName: "Ada", isAdmin: true });
    const reported = [
      { prompt_tokens: 1000, completion_tokens: 500 },
      { prompt_tokens: 700, completion_tokens: 300 },
    ];
    t.core.fakeOpenAI.setResponder(({ index }) => ({
      kind: "text",
      text: "fine",
      usage: reported[index] ?? null,
    }));
    await sendEvent(t, mention("U1", "C1", "1.1", "one"));
    await answerIn(t, "C1", "1.1", "fine");
    await sendEvent(t, mention("U1", "C1", "2.1", "two"));
    await answerIn(t, "C1", "2.1", "fine");
    expect(t.core.fakeOpenAI.requests).toHaveLength(2);

    const total = reported.reduce((sum, u) => sum + u.prompt_tokens + u.completion_tokens, 0);
    // gpt-4.1-mini: $0.40 in, $1.60 out per million tokens.
    const cost =
      reported.reduce((sum, u) => sum + u.prompt_tokens * 0.4 + u.completion_tokens * 1.6, 0) / 1e6;
    const own = await sendCommand(t, { command: "/usage", text: "", user: "U1", channel: "C1" });
    const report = visible(await privateReply(t, own.id));
    expect(report).toContain(`You today: ${total} tokens (~$${cost.toFixed(4)})`);
    expect(report).toContain(`This workspace today: ${total} tokens (~$${cost.toFixed(4)})`);
    expect(report).not.toContain("Top users");

    const admin = await sendCommand(t, { command: "/usage", text: "", user: "UADM", channel: "C1" });
    const adminReport = visible(await privateReply(t, admin.id));
    expect(adminReport).toContain("You today: 0 tokens");
    expect(adminReport).toContain(`Top users today: Bob (U1): ${total}`);
    expect(adminReport).toContain(`Top channels today: C1: ${total}`);
  });
});
