import { afterEach, describe, expect, it } from "vitest";
import { en } from "../../src/i18n/locales/en.ts";
import { translate } from "../../src/i18n/translate.ts";
import { mention } from "../fakes/discord/actors.ts";
import { snowflake } from "../fakes/discord/payloads.ts";
import { expectNoPings } from "./expectations.ts";
import { type DiscordHarness, startDiscordHarness } from "./harness.ts";
import { repliesTo, runCommand, sendAndSettle } from "./settle.ts";

let h: DiscordHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A refusal with its "resets in 5 h 12 min" put back to the catalog's `{resetIn}`. */
const withoutDuration = (text: string | undefined) => text?.replace(/\d+ h \d+ min|\d+ min/, "{resetIn}");

/** Alice mentions the bot with `question` (in #general unless told) and the bot is done with it. */
function ask(harness: DiscordHarness, question: string, channelId?: string) {
  const { state } = harness.fake;
  return sendAndSettle(harness, {
    channelId: channelId ?? state.channels.general.id,
    content: `${mention(state.bot)} ${question}`,
  });
}

describe("budgets", () => {
  it("refuses past a user's daily budget without an upstream call, privately for /ask, and serves again the next day", async () => {
    h = await startDiscordHarness({ USER_DAILY_TOKEN_BUDGET: "50" });
    const { fake, fakeOpenAI, clock } = h;
    const { state } = fake;
    fakeOpenAI.setResponder(() => ({
      kind: "text",
      text: "ok",
      usage: { prompt_tokens: 40, completion_tokens: 20 },
    }));

    expect(repliesTo(h, await ask(h, "first"))).toEqual(["ok"]);
    const refused = repliesTo(h, await ask(h, "second"));
    expect(refused).toHaveLength(1);
    expect(withoutDuration(refused[0])).toBe(en["error.user_budget"]);
    expect(fakeOpenAI.requests).toHaveLength(1);

    // A public /ask: the refusal concerns the asker, so the channel sees nothing of it.
    const command = await runCommand(h, {
      command: "ask",
      options: { question: "third" },
      channelId: state.channels.general.id,
    });
    expect(command.interaction.callbacks).toEqual([5]);
    expect(command.interaction.withdrawn).toBe(true);
    expect(
      command.shown.map((stored) => [stored.ephemeral, withoutDuration(stored.message.content)]),
    ).toEqual([[true, en["error.user_budget"]]]);
    expect(fakeOpenAI.requests).toHaveLength(1);

    // Someone else still has a budget.
    const bobs = await sendAndSettle(h, {
      channelId: state.channels.general.id,
      author: state.bob,
      content: `${mention(state.bot)} mine?`,
    });
    expect(repliesTo(h, bobs)).toEqual(["ok"]);

    await clock.sleep(24 * 3600 * 1000); // the next UTC day
    expect(repliesTo(h, await ask(h, "fourth"))).toEqual(["ok"]);
    expect(fakeOpenAI.requests).toHaveLength(3);
    expectNoPings(fake);
  });
});

describe("per-user rate limit", () => {
  it("answers one 'slow down' per window, then nothing, and no upstream call for either", async () => {
    h = await startDiscordHarness({ USER_RATE_LIMIT_PER_MINUTE: "2" });
    const { fakeOpenAI, clock } = h;
    const replies: string[][] = [];
    for (let i = 0; i < 5; i++) replies.push(repliesTo(h, await ask(h, `question ${i}`)));
    expect(replies).toEqual([
      ["Echo: question 0"],
      ["Echo: question 1"],
      [translate("en", "error.slow_down")],
      [],
      [],
    ]);
    expect(fakeOpenAI.requests).toHaveLength(2);

    // A slash command in the same window: the deferred "thinking…" is withdrawn, nothing is shown.
    const command = await runCommand(h, {
      command: "ask",
      options: { question: "and now?" },
      channelId: h.fake.state.channels.general.id,
    });
    expect(command.interaction.withdrawn).toBe(true);
    expect(command.shown).toEqual([]);
    expect(fakeOpenAI.requests).toHaveLength(2);

    await clock.sleep(61_000);
    expect(repliesTo(h, await ask(h, "later"))).toEqual(["Echo: later"]);
  });
});

describe("access control", () => {
  it("ignores refused channel messages, and answers refused /ask and DMs with a short refusal", async () => {
    h = await startDiscordHarness((state) => ({
      ALLOWED_CHANNEL_IDS: state.channels.general.id,
      BLOCKED_USER_IDS: state.bob.id,
      DMS_ENABLED: "false",
    }));
    const { fake, fakeOpenAI } = h;
    const { state } = fake;

    const elsewhere = await ask(h, "hello?", state.channels.random.id);
    const blocked = await sendAndSettle(h, {
      channelId: state.channels.general.id,
      author: state.bob,
      content: `${mention(state.bot)} let me in`,
    });
    expect(repliesTo(h, elsewhere)).toEqual([]);
    expect(repliesTo(h, blocked)).toEqual([]);
    expect(state.botMessagesIn(state.channels.random.id)).toEqual([]);

    const command = await runCommand(h, {
      command: "ask",
      options: { question: "hello?" },
      channelId: state.channels.random.id,
    });
    expect(command.shown.map((stored) => [stored.ephemeral, stored.message.content])).toEqual([
      [true, translate("en", "error.access_denied")],
    ]);

    const dm = snowflake();
    await sendAndSettle(h, { channelId: dm, content: "psst" });
    expect(state.botMessagesIn(dm).map((message) => message.content)).toEqual([
      translate("en", "error.dms_disabled"),
    ]);

    expect(fakeOpenAI.requests).toHaveLength(0);
    expect(repliesTo(h, await ask(h, "allowed here"))).toEqual(["Echo: allowed here"]);
    expect(fakeOpenAI.requests).toHaveLength(1);
  });

  it("serves only members with one of ALLOWED_DISCORD_ROLE_IDS, in messages and commands", async () => {
    h = await startDiscordHarness((state) => ({ ALLOWED_DISCORD_ROLE_IDS: state.roles.support.id }));
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    const general = state.channels.general.id;

    const fromBob = await sendAndSettle(h, {
      channelId: general,
      author: state.bob, // no roles
      content: `${mention(state.bot)} may I?`,
    });
    expect(repliesTo(h, fromBob)).toEqual([]);
    const command = await runCommand(h, {
      command: "ask",
      options: { question: "may I?" },
      channelId: general,
      user: state.bob,
    });
    expect(command.shown.map((stored) => [stored.ephemeral, stored.message.content])).toEqual([
      [true, translate("en", "error.access_denied")],
    ]);
    expect(fakeOpenAI.requests).toHaveLength(0);

    const fromAlice = await ask(h, "and me?"); // Alice has the Support role
    expect(repliesTo(h, fromAlice)).toEqual(["Echo: and me?"]);
    const aliceCommand = await runCommand(h, {
      command: "ask",
      options: { question: "me too" },
      channelId: general,
    });
    expect(aliceCommand.shown.map((stored) => stored.message.content)).toEqual(["Echo: me too"]);
    expect(fakeOpenAI.requests).toHaveLength(2);
  });
});
