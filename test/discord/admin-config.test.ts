import { describe, expect, it } from "vitest";
import { HELP_COMMAND_NAMES } from "../../adapters/discord/commands.ts";
import { translate } from "../../src/i18n/translate.ts";
import { mention } from "../fakes/discord/actors.ts";
import { Permission } from "../fakes/discord/payloads.ts";
import type { RequestInfo } from "../fakes/openai-server.ts";
import { type DiscordHarness, shareDiscordHarness } from "./harness.ts";
import { repliesTo, runCommand, sendAndSettle } from "./settle.ts";

const systemMessage = (request: RequestInfo | undefined) =>
  request?.body.messages.find((message) => message.role === "system")?.content;

interface RegisteredOption {
  name: string;
  type: number;
  required?: boolean;
  choices?: { value: string }[];
  options?: RegisteredOption[];
}
interface RegisteredCommand {
  name: string;
  contexts: number[];
  default_member_permissions?: string;
  dm_permission?: boolean;
  options?: RegisteredOption[];
}

describe("/config", () => {
  let h: DiscordHarness;
  shareDiscordHarness(
    (started) => {
      h = started;
    },
    { CACHE_TTL_SECONDS: "600" },
  );

  /** `/config <setting> <action>` in #general by Alice, with the permissions given. */
  function config(
    setting: string,
    action: string,
    options: Record<string, string | number>,
    permissions: bigint,
  ) {
    return runCommand(h, {
      command: "config",
      subcommandGroup: setting,
      subcommand: action,
      options,
      permissions,
      channelId: h.fake.state.channels.general.id,
    });
  }

  const ask = (question: string, channelId = h.fake.state.channels.general.id) =>
    sendAndSettle(h, { channelId, content: `${mention(h.fake.state.bot)} ${question}` });

  it("is registered for Manage Server members in servers only, with the settings as subcommands", () => {
    const commands = h.fake.state.registeredCommands.get("global") as RegisteredCommand[];
    const registered = commands.find((command) => command.name === "config");
    expect(registered?.default_member_permissions).toBe("32"); // ManageGuild
    expect(registered?.dm_permission).toBe(false);
    expect(registered?.contexts).toEqual([0]); // guild only
    expect(registered?.options?.map((group) => [group.name, group.type])).toEqual([
      ["system-prompt", 2],
      ["model", 2],
      ["temperature", 2],
    ]);
    for (const group of registered?.options ?? []) {
      expect(group.options?.map((sub) => sub.name)).toEqual(["show", "set", "reset"]);
      const set = group.options?.find((sub) => sub.name === "set");
      expect(set?.options?.map((option) => [option.name, option.required])).toEqual([
        ["value", true],
        ["scope", false],
      ]);
      expect(set?.options?.[1]?.choices?.map((choice) => choice.value)).toEqual(["channel", "workspace"]);
    }
  });

  it("is refused to a member without Manage Server, and changes nothing", async () => {
    const refused = await config(
      "system-prompt",
      "set",
      { value: "Talk like a pirate." },
      Permission.SendMessages | Permission.ViewChannel,
    );
    expect(refused.interaction.callbacks).toEqual([5]);
    expect(refused.shown.map((stored) => [stored.ephemeral, stored.message.content])).toEqual([
      [true, translate("en", "error.not_admin")],
    ]);
    await ask("who are you?");
    expect(systemMessage(h.fakeOpenAI.requests[0])).not.toContain("pirate");

    const shown = await config("system-prompt", "show", {}, Permission.ManageGuild);
    expect(shown.shown[0]?.message.content).toBe(
      translate("en", "config.show", {
        scope: translate("en", "config.scope_channel"),
        prompt: translate("en", "config.unset"),
        model: translate("en", "config.unset"),
        temperature: translate("en", "config.unset"),
      }),
    );
  });

  it("system-prompt set by a Manage Server member changes the next request and bypasses the cached answer", async () => {
    const { fakeOpenAI } = h;
    const question = "what is our refund policy?";
    expect(repliesTo(h, await ask(question))).toEqual([`Echo: ${question}`]);
    expect(repliesTo(h, await ask(question))).toEqual([`Echo: ${question}`]);
    expect(fakeOpenAI.requests).toHaveLength(1); // the second came from the cache

    const set = await config(
      "system-prompt",
      "set",
      { value: "Answer like a pirate." },
      Permission.ManageGuild,
    );
    expect(set.shown.map((stored) => [stored.ephemeral, stored.message.content])).toEqual([
      [
        true,
        translate("en", "config.updated", {
          setting: "system-prompt",
          scope: translate("en", "config.scope_channel"),
        }),
      ],
    ]);

    await ask(question);
    expect(fakeOpenAI.requests).toHaveLength(2);
    expect(systemMessage(fakeOpenAI.requests[1])).toMatch(/Answer like a pirate\.$/);

    // Another channel keeps the default prompt.
    await ask("and elsewhere?", h.fake.state.channels.random.id);
    expect(systemMessage(fakeOpenAI.requests[2])).not.toContain("pirate");

    await config("system-prompt", "reset", {}, Permission.ManageGuild);
    await ask("after the reset?");
    expect(systemMessage(fakeOpenAI.requests[3])).not.toContain("pirate");
  });

  it("model set for the workspace by an Administrator applies in every channel; temperature is a number", async () => {
    const { fakeOpenAI } = h;
    await config("model", "set", { value: "bigger-model", scope: "workspace" }, Permission.Administrator);
    await config("temperature", "set", { value: 0.3 }, Permission.ManageGuild);
    await ask("which model?", h.fake.state.channels.random.id);
    await ask("and the temperature?");
    expect(fakeOpenAI.requests.map((request) => request.body.model)).toEqual([
      "bigger-model",
      "bigger-model",
    ]);
    expect(fakeOpenAI.requests.map((request) => request.body.temperature)).toEqual([undefined, 0.3]);
    await config("model", "reset", { scope: "workspace" }, Permission.ManageGuild);
    await config("temperature", "reset", {}, Permission.ManageGuild);
  });

  it("/help lists every command the bot registers to an admin, and all but /config to others", async () => {
    const commands = h.fake.state.registeredCommands.get("global") as RegisteredCommand[];
    const names = commands.map((command) => `/${command.name}`);
    expect([...names].sort()).toEqual(Object.values(HELP_COMMAND_NAMES).sort());

    const admin = await runCommand(h, {
      command: "help",
      permissions: Permission.ManageGuild,
      channelId: h.fake.state.channels.general.id,
    });
    const adminHelp = admin.shown[0]?.message.content ?? "";
    for (const name of names) expect(adminHelp).toContain(name);

    const member = await runCommand(h, { command: "help", channelId: h.fake.state.channels.general.id });
    const memberHelp = member.shown[0]?.message.content ?? "";
    for (const name of names.filter((name) => name !== "/config")) expect(memberHelp).toContain(name);
    expect(memberHelp).not.toContain("/config");
  });
});
