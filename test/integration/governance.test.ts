import { afterEach, describe, expect, it } from "vitest";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { EngineNotice } from "../../src/engine/engine.ts";
import type { EngineResult } from "../../src/engine/events.ts";
import { translate } from "../../src/i18n/translate.ts";
import { createTestServices, type TestServices } from "../support/services.ts";

const base: InboundTurn = {
  platform: "slack",
  workspaceId: "T1",
  channelId: "C1",
  threadId: "1.0",
  userId: "U1",
  userName: "ada",
  text: "",
  isDirectMessage: false,
};

let t: TestServices;
afterEach(async () => {
  await t.close();
});

async function ask(text: string, overrides: Partial<InboundTurn> = {}): Promise<EngineResult> {
  let result: EngineResult | undefined;
  for await (const event of t.services.engine.ask({ ...base, text, ...overrides })) {
    if (event.type === "final") result = event.result;
  }
  if (!result) throw new Error("no final");
  return result;
}

describe("budgets", () => {
  it("refuses past a user's daily budget without an upstream call, and serves again the next day", async () => {
    t = await createTestServices({ USER_DAILY_TOKEN_BUDGET: "50", CACHE_TTL_SECONDS: "0" });
    t.fakeOpenAI.setResponder(() => ({
      kind: "text",
      text: "ok",
      usage: { prompt_tokens: 40, completion_tokens: 20 },
    }));
    expect((await ask("one")).failure).toBeUndefined();
    const refused = await ask("two", { threadId: "2.0" });
    expect(refused.failure?.code).toBe("user_budget");
    expect(refused.failure?.audience).toBe("asker");
    expect(refused.text).toMatch(/resets in \d+ h \d+ min|resets in \d+ min/);
    expect(t.fakeOpenAI.requests).toHaveLength(1);
    // Another user is not affected by this user's budget.
    expect((await ask("three", { userId: "U2", threadId: "3.0" })).failure).toBeUndefined();
    await t.clock.sleep(24 * 3600 * 1000); // the next UTC day
    expect((await ask("four", { threadId: "4.0" })).failure).toBeUndefined();
    expect(t.fakeOpenAI.requests).toHaveLength(3);
  });

  it("warns once at 80 % and once at 100 % of a workspace budget, then refuses", async () => {
    t = await createTestServices({ WORKSPACE_DAILY_TOKEN_BUDGET: "100", CACHE_TTL_SECONDS: "0" });
    t.fakeOpenAI.setResponder(() => ({
      kind: "text",
      text: "ok",
      usage: { prompt_tokens: 30, completion_tokens: 12 },
    }));
    const notices: EngineNotice[] = [];
    t.services.engine.onNotice((notice) => notices.push(notice));
    await ask("a", { threadId: "a" }); // 42
    expect(notices).toHaveLength(0);
    await ask("b", { threadId: "b" }); // 84 -> 80 %
    await ask("c", { threadId: "c" }); // 126 -> 100 %
    expect(notices.map((n) => n.percent)).toEqual([80, 100]);
    expect(notices[0]?.text).toContain("80%");
    expect((await ask("d", { threadId: "d" })).failure?.code).toBe("workspace_budget");
    expect(t.fakeOpenAI.requests).toHaveLength(3);
    expect(t.logs.entries().filter((e) => e.msg === "workspace token budget threshold reached")).toHaveLength(
      2,
    );
  });
});

describe("per-user rate limit", () => {
  it("sends one notice per window and makes no upstream call for refused questions", async () => {
    t = await createTestServices({ USER_RATE_LIMIT_PER_MINUTE: "2", CACHE_TTL_SECONDS: "0" });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await ask(`q${i}`, { threadId: `t${i}` }));
    expect(results.map((r) => r.failure?.code ?? "ok")).toEqual([
      "ok",
      "ok",
      "slow_down",
      "slow_down",
      "slow_down",
    ]);
    expect(results.map((r) => r.failure?.audience === "nobody")).toEqual([false, false, false, true, true]);
    expect(t.fakeOpenAI.requests).toHaveLength(2);
    await t.clock.sleep(61_000);
    expect((await ask("later", { threadId: "t9" })).failure).toBeUndefined();
  });
});

describe("access control", () => {
  it("ignores refused channel messages silently and answers refused DMs and commands briefly", async () => {
    t = await createTestServices({
      ALLOWED_CHANNEL_IDS: "C-ok",
      BLOCKED_USER_IDS: "U-bad",
      DMS_ENABLED: "false",
    });
    const channel = await ask("hi");
    expect(channel.failure).toMatchObject({ code: "access_denied", audience: "nobody" });
    const command = await ask("hi", { origin: "command" });
    expect(command.failure?.audience).toBe("asker");
    expect(command.text).toBe(translate("en", "error.access_denied"));
    const dm = await ask("hi", { isDirectMessage: true, channelId: "D1" });
    expect(dm.failure?.code).toBe("dms_disabled");
    const blocked = await ask("hi", { channelId: "C-ok", userId: "U-bad" });
    expect(blocked.failure?.code).toBe("access_denied");
    expect((await ask("hi", { channelId: "C-ok" })).failure).toBeUndefined();
    expect(t.fakeOpenAI.requests).toHaveLength(1);
  });

  it("serves only members with an allowed Discord role", async () => {
    t = await createTestServices({ ALLOWED_DISCORD_ROLE_IDS: "R1" });
    const discord = { platform: "discord" as const, workspaceId: "G1" };
    expect((await ask("hi", { ...discord, roleIds: ["R2"] })).failure?.code).toBe("access_denied");
    expect((await ask("hi", { ...discord, roleIds: ["R2", "R1"] })).failure).toBeUndefined();
  });
});

describe("admin settings", () => {
  it("refuses /config to non-admins and changes nothing", async () => {
    t = await createTestServices();
    const result = await t.services.engine.command("config", base, {
      settings: { scope: "channel", setting: "model", action: "set", value: "evil-model" },
    });
    expect(result.failure?.code).toBe("not_admin");
    await ask("hi");
    expect(t.fakeOpenAI.requests[0]?.body.model).toBe("test-model");
  });

  it("applies a channel system prompt and model to the next question and bypasses the stale cache", async () => {
    t = await createTestServices({ ADMIN_USER_IDS: "U-admin" });
    await ask("What is our policy?");
    const admin = { ...base, userId: "U-admin" };
    const engine = t.services.engine;
    await engine.command("config", admin, {
      settings: { scope: "channel", setting: "system-prompt", action: "set", value: "Answer like a pirate." },
    });
    await engine.command("config", admin, {
      settings: { scope: "workspace", setting: "model", action: "set", value: "bigger-model" },
    });
    const second = await ask("What is our policy?", { threadId: "other" });
    expect(second.cached).toBe(false);
    const request = t.fakeOpenAI.requests[1]?.body;
    expect(request?.model).toBe("bigger-model");
    expect(request?.messages[0]?.content).toMatch(/Answer like a pirate\.$/);
    const shown = await engine.command("config", admin, {
      settings: { scope: "channel", setting: "system-prompt", action: "show" },
    });
    expect(shown.text).toContain("Answer like a pirate.");
    const help = await engine.command("help", admin);
    expect(help.text).toContain("bigger-model");
    expect(help.text).toContain("/config");
    await engine.command("config", admin, {
      settings: { scope: "channel", setting: "system-prompt", action: "reset" },
    });
    await ask("Something new", { threadId: "third" });
    expect(t.fakeOpenAI.requests[2]?.body.messages[0]?.content).not.toContain("pirate");
  });

  it("rejects an invalid temperature", async () => {
    t = await createTestServices({ ADMIN_USER_IDS: "U1" });
    const result = await t.services.engine.command("config", base, {
      settings: { scope: "channel", setting: "temperature", action: "set", value: "7" },
    });
    expect(result.text).toBe(translate("en", "config.invalid", { setting: "temperature" }));
  });
});

describe("usage report", () => {
  it("reports exactly the tokens the server reported, costs, and top users for admins", async () => {
    t = await createTestServices({
      OPENAI_MODEL: "gpt-4.1-mini",
      ADMIN_USER_IDS: "U1",
      CACHE_TTL_SECONDS: "0",
    });
    t.fakeOpenAI.setResponder(() => ({
      kind: "text",
      text: "ok",
      usage: { prompt_tokens: 1000, completion_tokens: 500 },
    }));
    await ask("one");
    await ask("two", { threadId: "2" });
    const report = await t.services.engine.command("usage", base);
    // 2 x 1500 tokens; cost 2 x (1000 x 0.4 + 500 x 1.6) micro-dollars = $0.0024
    expect(report.text).toContain("You today: 3000 tokens (~$0.0024)");
    expect(report.text).toContain("This conversation: 1500 tokens");
    expect(report.text).toContain("ada (U1): 3000");
    const nonAdmin = await t.services.engine.command("usage", { ...base, userId: "U2" });
    expect(nonAdmin.text).not.toContain("Top users");
  });

  it("speaks Simplified Chinese to a zh-CN user", async () => {
    t = await createTestServices();
    const report = await t.services.engine.command("usage", { ...base, locale: "zh-CN" });
    expect(report.text).toContain("本对话");
    const help = await t.services.engine.command("help", { ...base, locale: "zh-CN" });
    expect(help.text).toContain("命令");
  });
});
