import { describe, expect, it } from "vitest";
import { registerFromConfig } from "../../adapters/discord/registration.ts";
import { translate } from "../../src/i18n/translate.ts";
import { sendInteraction } from "../fakes/discord/actors.ts";
import { snowflake } from "../fakes/discord/payloads.ts";
import { FakeDiscord } from "../fakes/discord/server.ts";
import type { StoredMessage } from "../fakes/discord/state.ts";
import { lastUserMessage, type RequestInfo } from "../fakes/openai-server.ts";
import { expectNoPings } from "./expectations.ts";
import { type DiscordHarness, shareDiscordHarness, startDiscordHarness } from "./harness.ts";

function userTurns(request: RequestInfo | undefined): string[] {
  return (request?.body.messages ?? []).filter((m) => m.role === "user").map((m) => m.content);
}

describe("slash commands", () => {
  let h: DiscordHarness;
  shareDiscordHarness((started) => {
    h = started;
  });

  /** Runs a command and waits until its original response shows `text` (or any text). */
  async function run(
    command: string,
    options: Record<string, string | boolean> = {},
    text?: string,
    channelId = h.fake.state.channels.random.id,
  ): Promise<{ token: string; original: StoredMessage }> {
    const { token } = sendInteraction(h.fake, { command, options, channelId });
    const original = await h.fake.waitFor(`${command} response`, () =>
      h.fake.state
        .interactionMessages(token)
        .find((stored) =>
          text === undefined ? stored.message.content !== "" : stored.message.content === text,
        ),
    );
    await h.adapter.idle();
    return { token, original };
  }

  it("/ask defers, then edits the original response with the answer", async () => {
    const { fake } = h;
    const { token, original } = await run("ask", { question: "What is 2+2?" }, "Echo: What is 2+2?");

    const callback = fake.callsTo("POST", /\/callback$/);
    expect(callback).toHaveLength(1);
    expect(callback[0]?.body).toEqual({ type: 5, data: { flags: 0 } });
    expect(callback[0]?.authorized).toBe(false); // interaction routes use the interaction token
    const edits = fake.callsTo("PATCH", /\/messages\/@original$/);
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(edits[0]?.path).toBe(`/webhooks/${fake.state.applicationId}/${token}/messages/@original`);
    expect(fake.calls.indexOf(callback[0] as never)).toBeLessThan(fake.calls.indexOf(edits[0] as never));
    expect(original.ephemeral).toBe(false);
    expectNoPings(fake);
  });

  it("private /ask answers ephemerally in a conversation of its own", async () => {
    const { fake, fakeOpenAI } = h;
    const general = fake.state.channels.general.id;
    const secret = await run(
      "ask",
      { question: "my secret plan", private: true },
      "Echo: my secret plan",
      general,
    );
    expect(fake.callsTo("POST", /\/callback$/)[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(secret.original.ephemeral).toBe(true);

    await run("ask", { question: "public question" }, "Echo: public question", general);
    expect(userTurns(fakeOpenAI.requests[1])).toEqual(["public question"]); // the secret stays out

    await run("ask", { question: "my second secret", private: true }, "Echo: my second secret", general);
    expect(userTurns(fakeOpenAI.requests[2])).toEqual(["my secret plan", "my second secret"]);
  });

  it("/ask in a channel shares the channel's conversation, which /reset clears", async () => {
    const { fakeOpenAI } = h;
    const channel = snowflake(); // a channel no other test used
    await run("ask", { question: "remember the number 7" }, "Echo: remember the number 7", channel);
    await run("ask", { question: "which number?" }, "Echo: which number?", channel);
    expect(userTurns(fakeOpenAI.requests[1])).toEqual(["remember the number 7", "which number?"]);

    const reset = await run("reset", {}, translate("en", "reset.done"), channel);
    expect(reset.original.ephemeral).toBe(false); // everyone in the channel shares what was cleared

    await run("ask", { question: "anything left?" }, "Echo: anything left?", channel);
    expect(userTurns(fakeOpenAI.requests[2])).toEqual(["anything left?"]);
  });

  it("/usage and /help answer only the caller", async () => {
    const { fake } = h;
    const usage = await run("usage");
    expect(usage.original.ephemeral).toBe(true);
    expect(usage.original.message.content).toMatch(/tokens/);
    const help = await run("help");
    expect(help.original.ephemeral).toBe(true);
    expect(help.original.message.content).toContain("/ask");
    expect(fake.callsTo("POST", /\/callback$/).map((call) => call.body)).toEqual([
      { type: 5, data: { flags: 64 } },
      { type: 5, data: { flags: 64 } },
    ]);
  });

  it("answers a long /ask with follow-ups, each within the limit", async () => {
    const { fake, fakeOpenAI } = h;
    const long = `${"All work and no play makes a long answer. ".repeat(120)}`.trim();
    fakeOpenAI.setResponder(() => ({ kind: "text", text: long, chunks: 10 }));
    const { token } = sendInteraction(fake, {
      command: "ask",
      options: { question: "tell me a lot" },
      channelId: fake.state.channels.random.id,
    });
    await fake.waitFor("all parts", () => {
      const parts = fake.state.interactionMessages(token).map((stored) => stored.message.content);
      return parts.join("") === long && parts;
    });
    await h.adapter.idle();
    const parts = fake.state.interactionMessages(token);
    expect(parts.length).toBe(3);
    for (const part of parts) expect(part.message.content.length).toBeLessThanOrEqual(2000);
    expect(fake.callsTo("POST", new RegExp(`^/webhooks/\\d+/${token}$`))).toHaveLength(2);
    expect(lastUserMessage(fakeOpenAI.requests[0] as RequestInfo)).toBe("tell me a lot");
    expectNoPings(fake);
  });
});

describe("command registration", () => {
  it("overwrites the global commands at startup with one PUT", async () => {
    const h = await startDiscordHarness();
    try {
      const puts = h.fake.callsTo("PUT", /commands$/);
      expect(puts).toHaveLength(1);
      expect(puts[0]?.path).toBe(`/applications/${h.fake.state.applicationId}/commands`);
      const commands = puts[0]?.body as unknown as {
        name: string;
        options?: unknown[];
        contexts: number[];
        default_member_permissions?: string;
      }[];
      expect(commands.map((command) => command.name)).toEqual(["ask", "reset", "usage", "help", "config"]);
      expect(commands[0]?.options).toEqual([
        expect.objectContaining({ name: "question", type: 3, required: true }),
        expect.objectContaining({ name: "private", type: 5, required: false }),
      ]);
      for (const command of commands.slice(0, 4)) {
        expect(command.contexts).toEqual([0, 1]); // servers and DMs, for everyone
        expect(command.default_member_permissions).toBeUndefined();
      }
    } finally {
      await h.close();
    }
  });

  it("registers to DISCORD_GUILD_ID when set", async () => {
    const h = await startDiscordHarness({ DISCORD_GUILD_ID: "424242" });
    try {
      expect(h.fake.callsTo("PUT", /commands$/).map((call) => call.path)).toEqual([
        `/applications/${h.fake.state.applicationId}/guilds/424242/commands`,
      ]);
    } finally {
      await h.close();
    }
  });

  it("npm run discord:register looks up the application and does the same PUT", async () => {
    const fake = await FakeDiscord.start();
    try {
      const result = await registerFromConfig({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl });
      expect(result).toEqual({ scope: "global", count: 5, applicationId: fake.state.applicationId });
      expect(fake.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
        "GET /applications/@me",
        `PUT /applications/${fake.state.applicationId}/commands`,
      ]);
      expect(fake.calls.every((call) => call.authorized)).toBe(true);
    } finally {
      await fake.close();
    }
  });
});
