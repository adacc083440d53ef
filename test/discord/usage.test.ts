import { afterEach, describe, expect, it } from "vitest";
import type { EngineNotice } from "../../src/engine/engine.ts";
import { translate } from "../../src/i18n/translate.ts";
import { keyFingerprint } from "../../src/secrets/fingerprint.ts";
import { mention } from "../fakes/discord/actors.ts";
import { Permission, snowflake } from "../fakes/discord/payloads.ts";
import { TEST_OPENAI_KEY } from "../support/services.ts";
import { expectNoPings } from "./expectations.ts";
import { type DiscordHarness, startDiscordHarness } from "./harness.ts";
import { runCommand, sendAndSettle } from "./settle.ts";

let h: DiscordHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("/usage", () => {
  it("reports exactly the tokens the fake OpenAI said it used, and costs from the price table", async () => {
    // 1000 / 2000 USD per million tokens: one prompt token costs $0.001, one completion token $0.002.
    h = await startDiscordHarness({ MODEL_PRICES: '{"test-model":{"input":1000,"output":2000}}' });
    const harness = h;
    const reported = [
      { prompt_tokens: 100, completion_tokens: 20 },
      { prompt_tokens: 30, completion_tokens: 7 },
    ];
    harness.fakeOpenAI.setResponder((request) => ({
      kind: "text",
      text: "fine",
      usage: reported[request.index] ?? null,
    }));
    const channelId = snowflake();
    for (const question of ["first", "second"])
      await runCommand(harness, { command: "ask", options: { question }, channelId });
    expect(harness.fakeOpenAI.requests).toHaveLength(2);

    const tokens = String(100 + 20 + 30 + 7);
    const cost = "$0.18"; // 130 × $0.001 + 27 × $0.002 = $0.184
    const expected = [
      translate("en", "usage.summary", {
        threadTokens: tokens,
        userDayTokens: tokens,
        userDayCost: cost,
        userMonthTokens: tokens,
        userMonthCost: cost,
        cachedAnswers: 0,
        savedTokens: 0,
      }),
      translate("en", "usage.workspace", {
        workspaceDayTokens: tokens,
        workspaceDayCost: cost,
        workspaceMonthTokens: tokens,
        workspaceMonthCost: cost,
      }),
      translate("en", "usage.remaining", {
        userRemaining: translate("en", "usage.unlimited"),
        workspaceRemaining: translate("en", "usage.unlimited"),
      }),
    ].join("\n");
    const member = await runCommand(harness, { command: "usage", channelId });
    expect(member.shown.map((stored) => [stored.ephemeral, stored.message.content])).toEqual([
      [true, expected],
    ]);

    // A Manage Server member also sees who and where.
    const { alice } = harness.fake.state;
    const admin = await runCommand(harness, {
      command: "usage",
      channelId,
      permissions: Permission.ManageGuild,
    });
    expect(admin.shown[0]?.message.content).toBe(
      `${expected}\n${translate("en", "usage.top", {
        users: `Alice (Support) (${alice.id}): ${tokens}`,
        channels: `${channelId}: ${tokens}`,
      })}\n${translate("en", "usage.api_keys", {
        keys: translate("en", "usage.api_key", {
          fingerprint: keyFingerprint(TEST_OPENAI_KEY),
          requests: 2,
          tokens,
        }),
      })}`,
    );
  });
});

describe("budget notices", () => {
  it("posts the 80 % and 100 % warnings once each to the ADMIN_CHANNEL_ID channels on Discord", async () => {
    const unknownChannel = snowflake();
    h = await startDiscordHarness((state) => ({
      WORKSPACE_DAILY_TOKEN_BUDGET: "100",
      // A Slack channel id is for the Slack adapter; an unknown Discord channel is skipped with a warning.
      ADMIN_CHANNEL_ID: `${state.channels.admin.id},C0123SLACK,${unknownChannel}`,
    }));
    const harness = h;
    const { fake, fakeOpenAI, services, adapter } = harness;
    const { state } = fake;
    // What app/main.ts does for every adapter.
    const posted: Promise<void>[] = [];
    services.engine.onNotice((notice) => posted.push(adapter.postNotice(notice)));
    fakeOpenAI.setResponder(() => ({
      kind: "text",
      text: "ok",
      usage: { prompt_tokens: 30, completion_tokens: 12 },
    }));
    const ask = (question: string) =>
      sendAndSettle(harness, {
        channelId: state.channels.general.id,
        content: `${mention(state.bot)} ${question}`,
      });

    await ask("one"); // 42 tokens
    await ask("two"); // 84: past 80 %
    await ask("three"); // 126: past 100 %
    await Promise.all(posted);
    expect(state.botMessagesIn(state.channels.admin.id).map((message) => message.content)).toEqual([
      translate("en", "budget.warning", { percent: 80, used: 84, budget: 100 }),
      translate("en", "budget.warning", { percent: 100, used: 126, budget: 100 }),
    ]);
    expect(fake.callsTo("GET", new RegExp(`^/channels/${unknownChannel}$`))).toHaveLength(2);
    expect(
      harness.logs.entries().filter((entry) => entry.msg === "discord: admin channel not found"),
    ).toHaveLength(2);
    expectNoPings(fake);

    // Past the budget: refused, no upstream call, no further notice.
    await ask("four");
    expect(fakeOpenAI.requests).toHaveLength(3);
    expect(posted).toHaveLength(2);
  });

  it("names the server when the admin channel is in another one", async () => {
    h = await startDiscordHarness((state) => ({ ADMIN_CHANNEL_ID: state.channels.admin.id }));
    const { state } = h.fake;
    const notice: EngineNotice = {
      platform: "discord",
      workspaceId: "9876543210987654321",
      percent: 80,
      usedTokens: 80,
      budgetTokens: 100,
      text: "Token budget warning.",
    };
    await h.adapter.postNotice(notice);
    await h.adapter.postNotice({ ...notice, workspaceId: state.guildId });
    expect(state.botMessagesIn(state.channels.admin.id).map((message) => message.content)).toEqual([
      "**9876543210987654321**: Token budget warning.",
      "Token budget warning.",
    ]);
  });
});
