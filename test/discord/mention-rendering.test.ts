import { describe, expect, it } from "vitest";
import { type MentionNames, renderMentions } from "../../adapters/discord/mentions.ts";
import { inviteUrl, REQUIRED_PERMISSIONS } from "../../adapters/discord/permissions.ts";

const names: MentionNames = {
  user: (id) => ({ "2": "Alice", "3": "bob" })[id],
  role: (id) => ({ "20": "Support" })[id],
  channel: (id) => ({ "30": "general" })[id],
};
const bot = { userId: "1", roleIds: ["10"] };

describe("renderMentions", () => {
  it("strips the bot's own mentions, by user or integration role, in both user forms", () => {
    expect(renderMentions("<@1> hi", bot, names)).toBe("hi");
    expect(renderMentions("<@!1>   hi <@&10>", bot, names)).toBe("hi");
    expect(renderMentions("<@1>", bot, names)).toBe("");
  });

  it("names users, roles and channels, and says so when it cannot", () => {
    expect(renderMentions("<@1> ask <@2> and <@!3> in <@&20> on <#30>", bot, names)).toBe(
      "ask @Alice and @bob in @Support on #general",
    );
    expect(renderMentions("<@9> <@&99> <#999>", bot, names)).toBe(
      "@unknown-user @unknown-role #unknown-channel",
    );
  });

  it("turns custom emoji and command mentions into their names and keeps everything else", () => {
    expect(renderMentions("<:party:123> <a:wave:456> </ask:789> `code <@2>`\nline two", bot, names)).toBe(
      ":party: :wave: /ask `code @Alice`\nline two",
    );
    expect(renderMentions("@everyone look", bot, names)).toBe("@everyone look");
  });
});

describe("invite link", () => {
  it("asks for exactly the permissions the bot needs, with the bot and commands scopes", () => {
    // View Channels, Send Messages, Send Messages in Threads, Create Public Threads, Read Message History.
    expect(REQUIRED_PERMISSIONS.bitfield).toBe(309237713920n);
    const url = new URL(inviteUrl("1234"));
    expect(url.origin + url.pathname).toBe("https://discord.com/oauth2/authorize");
    expect(url.searchParams.get("client_id")).toBe("1234");
    expect(url.searchParams.get("scope")).toBe("bot applications.commands");
    expect(url.searchParams.get("permissions")).toBe("309237713920");
  });
});
