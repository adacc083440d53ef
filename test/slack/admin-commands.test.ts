import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../../adapters/slack/config-command.ts";
import { translate } from "../../src/i18n/translate.ts";
import { mentionEvent } from "../fakes/slack/signed-requests.ts";
import { type SlackHarness, startSlackHarness } from "./harness.ts";
import { answerIn, privateReply, sendCommand, sendEvent } from "./requests.ts";

describe("parseConfigText", () => {
  it("reads setting, action, value and scope", () => {
    expect(parseConfigText("system-prompt set Answer like a pirate.")).toEqual({
      scope: "channel",
      setting: "system-prompt",
      action: "set",
      value: "Answer like a pirate.",
    });
    expect(parseConfigText("Model SET  big-model --workspace")).toEqual({
      scope: "workspace",
      setting: "model",
      action: "set",
      value: "big-model",
    });
    expect(parseConfigText("--workspace prompt set Be brief.\nAlways.")).toEqual({
      scope: "workspace",
      setting: "system-prompt",
      action: "set",
      value: "Be brief.\nAlways.",
    });
    expect(parseConfigText("temperature reset --workspace")).toEqual({
      scope: "workspace",
      setting: "temperature",
      action: "reset",
    });
    expect(parseConfigText("show")).toEqual({ scope: "channel", setting: "system-prompt", action: "show" });
  });

  it("keeps a flag in the middle of a value as text, and passes an empty value on", () => {
    expect(parseConfigText("system-prompt set Mention --workspace rarely")?.value).toBe(
      "Mention --workspace rarely",
    );
    expect(parseConfigText("model set")).toEqual({
      scope: "channel",
      setting: "model",
      action: "set",
      value: "",
    });
  });

  it("refuses what it cannot read", () => {
    for (const text of [
      "",
      "temprature set 1",
      "model delete",
      "model",
      "model show extra",
      "constructor set x",
    ]) {
      expect(parseConfigText(text)).toBeUndefined();
    }
  });
});

const manifest = readFileSync(new URL("../../slack-app-manifest.yaml", import.meta.url), "utf8");
const manifestCommands = [...manifest.matchAll(/^\s*- command: (\S+)/gm)].map((m) => m[1]);

describe("/config and /help through Slack", () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ ADMIN_USER_IDS: "UOPS" });
    h.slack.setUser("U1", { displayName: "Bob" });
    h.slack.setUser("UADM", { displayName: "Ada", isAdmin: true });
    h.slack.setUser("UOWN", { displayName: "Olga", isOwner: true });
    h.slack.setUser("UOPS", { displayName: "Ops" });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.core.fakeOpenAI.reset();
  });

  const config = async (user: string, text: string, channel = "C1") => {
    const { id } = await sendCommand(h, { command: "/config", text, user, channel });
    return privateReply(h, id);
  };
  let nextTs = 100;
  /** Asks in a fresh thread and returns the request the model received. */
  const askIn = async (channel: string, question: string) => {
    nextTs += 1;
    const ts = `${nextTs}.1`;
    const before = h.core.fakeOpenAI.requests.length;
    await sendEvent(h, mentionEvent({ user: "U1", channel, ts, text: `<@UBOT> ${question}` }));
    await answerIn(h, channel, ts, `Echo: ${question}`);
    return h.core.fakeOpenAI.requests.length > before ? h.core.fakeOpenAI.requests.at(-1)?.body : undefined;
  };
  const systemMessage = (body: Awaited<ReturnType<typeof askIn>>) => body?.messages[0]?.content ?? "";

  it("refuses a non-admin and changes nothing", async () => {
    expect(await config("U1", "model set evil-model")).toBe(translate("en", "error.not_admin"));
    expect(await config("U1", "system-prompt set Be evil. --workspace")).toBe(
      translate("en", "error.not_admin"),
    );
    expect(await config("U1", "nonsense")).toBe(translate("en", "error.not_admin"));
    const request = await askIn("C1", "still normal?");
    expect(request?.model).toBe("test-model");
    expect(systemMessage(request)).not.toContain("evil");
  });

  it("lets a workspace admin set the channel's system prompt: the next question uses it, not the cache", async () => {
    const question = "What is our refund policy?";
    await askIn("C1", question);
    // Asked again in a new thread, the answer comes from the cache: no upstream call.
    expect(await askIn("C1", question)).toBeUndefined();

    expect(await config("UADM", "system-prompt set Answer like a pirate.")).toBe(
      "Updated system-prompt for this channel. It applies from the next question.",
    );
    const changed = await askIn("C1", question);
    expect(systemMessage(changed)).toMatch(/Answer like a pirate\.$/);
    expect(systemMessage(await askIn("C2", "elsewhere"))).not.toContain("pirate");
    expect(await config("UADM", "show")).toContain("“Answer like a pirate.”");

    await config("UADM", "system-prompt reset");
    expect(systemMessage(await askIn("C1", "after the reset"))).not.toContain("pirate");
  });

  it("lets ADMIN_USER_IDS and workspace owners change the workspace's model and temperature", async () => {
    expect(await config("UOPS", "model set bigger-model --workspace")).toBe(
      "Updated model for the whole workspace. It applies from the next question.",
    );
    expect(await config("UOWN", "--workspace temperature set 0.3")).toContain("Updated temperature");
    const request = await askIn("C3", "which model?");
    expect(request?.model).toBe("bigger-model");
    expect(request?.temperature).toBe(0.3);
    await config("UOWN", "model reset --workspace");
    await config("UOPS", "temperature reset --workspace");
    const after = await askIn("C3", "and now?");
    expect(after?.model).toBe("test-model");
    expect(after?.temperature).toBeUndefined();
  });

  it("rejects an invalid value and shows admins the syntax for text it cannot read", async () => {
    expect(await config("UADM", "temperature set 7")).toBe(
      translate("en", "config.invalid", { setting: "temperature" }),
    );
    expect(await config("UADM", "temprature set 1")).toContain(
      "Admin: /config system-prompt show|set|reset, model, temperature",
    );
  });

  it("looks an admin up afresh for /config: a revoked admin is refused at once", async () => {
    h.slack.setUser("UEX", { displayName: "Ex", isAdmin: true });
    expect(await config("UEX", "show")).toContain("Settings for this channel");
    h.slack.setUser("UEX", { displayName: "Ex", isAdmin: false });
    expect(await config("UEX", "model set stale-admin-model")).toBe(translate("en", "error.not_admin"));
    expect(h.slack.callsTo("users.info").filter((call) => call.params.user === "UEX")).toHaveLength(2);
  });

  it("/help names exactly the commands the manifest registers (to admins, /config too)", async () => {
    const { id } = await sendCommand(h, { command: "/help", text: "", user: "UADM", channel: "C1" });
    const help = await privateReply(h, id);
    const named = new Set(help.match(/(?<![\w/])\/[a-z][\w-]*/g));
    expect([...named].sort()).toEqual([...manifestCommands].sort());

    const forUser = await sendCommand(h, { command: "/help", text: "", user: "U1", channel: "C1" });
    expect(await privateReply(h, forUser.id)).not.toContain("/config");
  });
});

describe("renamed commands", () => {
  it("/help and the config command follow SLACK_COMMAND_*", async () => {
    const h = await startSlackHarness({ SLACK_COMMAND_CONFIG: "/llm-config", SLACK_COMMAND_ASK: "/llm" });
    try {
      h.slack.setUser("UADM", { displayName: "Ada", isAdmin: true });
      const { id } = await sendCommand(h, {
        command: "/llm-config",
        text: "show",
        user: "UADM",
        channel: "C1",
      });
      expect(await privateReply(h, id)).toContain("Settings for this channel");
      const help = await sendCommand(h, { command: "/help", text: "", user: "UADM", channel: "C1" });
      const text = await privateReply(h, help.id);
      expect(text).toContain("/llm-config system-prompt");
      expect(text).toContain("/llm &lt;question&gt;");
    } finally {
      await h.close();
    }
  });
});
