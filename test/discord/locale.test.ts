import { afterEach, describe, expect, it } from "vitest";
import { HELP_COMMAND_NAMES } from "../../adapters/discord/commands.ts";
import { zhCN } from "../../src/i18n/locales/zh-CN.ts";
import { translate } from "../../src/i18n/translate.ts";
import { mention } from "../fakes/discord/actors.ts";
import { snowflake } from "../fakes/discord/payloads.ts";
import { type DiscordHarness, startDiscordHarness } from "./harness.ts";
import { repliesTo, runCommand, sendAndSettle } from "./settle.ts";

let h: DiscordHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** "将在 5 h 12 min 后重置" back to the catalog's `{resetIn}`. */
const withoutDuration = (text: string | undefined) => text?.replace(/\d+ h \d+ min|\d+ min/, "{resetIn}");

describe("the bot's own texts in Chinese", () => {
  it("follows the locale of an interaction's user", async () => {
    h = await startDiscordHarness((state) => ({ BLOCKED_USER_IDS: state.bob.id }));
    const harness = h;
    const { state } = harness.fake;
    const general = state.channels.general.id;

    const help = await runCommand(harness, { command: "help", channelId: general, locale: "zh-CN" });
    expect(help.shown[0]?.message.content).toContain(
      translate("zh-CN", "help.commands", { ...HELP_COMMAND_NAMES }),
    );

    const usage = await runCommand(harness, { command: "usage", channelId: general, locale: "zh-CN" });
    expect(usage.shown[0]?.message.content.split("\n")[0]).toBe(
      translate("zh-CN", "usage.summary", {
        threadTokens: 0,
        userDayTokens: 0,
        userDayCost: "$0.00",
        userMonthTokens: 0,
        userMonthCost: "$0.00",
        cachedAnswers: 0,
        savedTokens: 0,
      }).split("\n")[0],
    );

    const config = await runCommand(harness, {
      command: "config",
      subcommandGroup: "model",
      subcommand: "show",
      channelId: general,
      locale: "zh-CN",
    });
    expect(config.shown[0]?.message.content).toBe(zhCN["error.not_admin"]);

    const refused = await runCommand(harness, {
      command: "ask",
      options: { question: "你好" },
      channelId: general,
      user: state.bob,
      locale: "zh-CN",
    });
    expect(refused.shown.map((stored) => stored.message.content)).toEqual([zhCN["error.access_denied"]]);

    // The same refusal for a user whose Discord is in English.
    const english = await runCommand(harness, {
      command: "ask",
      options: { question: "hello" },
      channelId: general,
      user: state.bob,
      locale: "en-GB",
    });
    expect(english.shown.map((stored) => stored.message.content)).toEqual([
      translate("en", "error.access_denied"),
    ]);
    expect(harness.fakeOpenAI.requests).toHaveLength(0);
  });

  it("follows the server's preferred locale for messages, which carry no user locale", async () => {
    h = await startDiscordHarness({ USER_DAILY_TOKEN_BUDGET: "1" }, { preferredLocale: "zh-CN" });
    const harness = h;
    const { state } = harness.fake;
    const ask = (question: string) =>
      sendAndSettle(harness, {
        channelId: state.channels.general.id,
        content: `${mention(state.bot)} ${question}`,
      });
    expect(repliesTo(harness, await ask("第一个问题"))).toEqual(["Echo: 第一个问题"]);
    const refused = repliesTo(harness, await ask("第二个问题"));
    expect(refused.map(withoutDuration)).toEqual([zhCN["error.user_budget"]]);
    expect(harness.fakeOpenAI.requests).toHaveLength(1);
  });

  it("falls back to BOT_LOCALE in DMs", async () => {
    h = await startDiscordHarness({ BOT_LOCALE: "zh-cn", DMS_ENABLED: "false" });
    const dm = snowflake();
    await sendAndSettle(h, { channelId: dm, content: "hello" });
    expect(h.fake.state.botMessagesIn(dm).map((message) => message.content)).toEqual([
      zhCN["error.dms_disabled"],
    ]);
  });
});
