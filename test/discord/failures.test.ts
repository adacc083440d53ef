import { describe, expect, it } from "vitest";
import { DiscordStartError } from "../../adapters/discord/index.ts";
import { mention, sendInteraction, sendUserMessage } from "../fakes/discord/actors.ts";
import { FAKE_DISCORD_TOKEN } from "../fakes/discord/server.ts";
import { TEST_OPENAI_KEY } from "../support/services.ts";
import { type DiscordHarness, shareDiscordHarness, startDiscordHarness } from "./harness.ts";

const SEND = /^\/channels\/\d+\/messages$/;

describe("Discord failures", () => {
  let h: DiscordHarness;
  shareDiscordHarness((started) => {
    h = started;
  });

  it("survives a 500 on send: logged with the channel, and the next message is answered", async () => {
    const { fake, logs } = h;
    const channel = fake.state.channels.random.id;
    // discord.js retries a 5xx three times; all four attempts fail.
    fake.fail({ method: "POST", path: SEND, status: 500, times: 4 });
    sendUserMessage(fake, { channelId: channel, content: `${mention(fake.state.bot)} first try` });
    await fake.waitFor("four attempts", () => fake.callsTo("POST", SEND).length === 4);
    await h.adapter.idle();
    const logged = logs
      .entries()
      .find((entry) => entry.msg === "discord: could not answer" && entry.channelId === channel);
    expect(logged?.error).toMatchObject({ status: 500 });
    expect(fake.callsTo("POST", SEND).map((call) => call.status)).toEqual([500, 500, 500, 500]);
    expect(fake.state.botMessagesIn(channel)).toHaveLength(0);

    sendUserMessage(fake, { channelId: channel, content: `${mention(fake.state.bot)} second try` });
    await fake.waitFor("the next answer", () =>
      fake.state.botMessagesIn(channel).find((m) => m.content === "Echo: second try"),
    );
    await h.adapter.idle();
  });

  it("leaves a 429 to discord.js: it waits and the answer is posted once", async () => {
    const { fake } = h;
    const channel = fake.state.channels.general.id;
    fake.fail({
      method: "POST",
      path: SEND,
      status: 429,
      headers: { "retry-after": "0.05", "x-ratelimit-scope": "user" },
    });
    sendUserMessage(fake, { channelId: channel, content: `${mention(fake.state.bot)} rate limited?` });
    await fake.waitFor("the answer", () =>
      fake.state.botMessagesIn(channel).find((m) => m.content === "Echo: rate limited?"),
    );
    await h.adapter.idle();
    expect(fake.callsTo("POST", SEND).map((call) => call.status)).toEqual([429, 200]);
    expect(fake.state.botMessagesIn(channel).filter((m) => m.content === "Echo: rate limited?")).toHaveLength(
      1,
    );
  });

  it("logs a missing permission with the channel id and moves on", async () => {
    const { fake, logs } = h;
    const channel = fake.state.channels.general.id;
    fake.fail({
      method: "POST",
      path: SEND,
      status: 403,
      body: { message: "Missing Permissions", code: 50013 },
    });
    sendUserMessage(fake, { channelId: channel, content: `${mention(fake.state.bot)} forbidden?` });
    await fake.waitFor("the refused send", () => fake.callsTo("POST", SEND).length === 1);
    await h.adapter.idle();
    const logged = logs
      .entries()
      .find((entry) => entry.msg === "discord: missing permission; skipped" && entry.channelId === channel);
    expect(logged?.level).toBe(40);
    expect(logged?.error).toMatchObject({ status: 403, code: 50013 });
    expect(fake.callsTo("POST", SEND)).toHaveLength(1);
  });

  it("logs a command it could not acknowledge (expired interaction) and answers nothing", async () => {
    const { fake, logs } = h;
    const channel = fake.state.channels.general.id;
    fake.fail({
      method: "POST",
      path: /\/callback$/,
      status: 404,
      body: { message: "Unknown interaction", code: 10062 },
    });
    sendInteraction(fake, { command: "ask", options: { question: "too late?" }, channelId: channel });
    await fake.waitFor("the refused defer", () => fake.callsTo("POST", /\/callback$/).length === 1);
    await h.adapter.idle();
    const logged = logs
      .entries()
      .find((entry) => entry.msg === "discord: could not answer" && entry.channelId === channel);
    expect(logged?.error).toMatchObject({ status: 404, code: 10062 });
    expect(fake.calls.filter((call) => call.path.startsWith("/webhooks/"))).toHaveLength(0);
    expect(h.fakeOpenAI.requests).toHaveLength(0);
  });

  it("never logs the bot token, the API key or an interaction token", () => {
    const text = h.logs.text();
    expect(text).not.toContain(FAKE_DISCORD_TOKEN);
    expect(text).not.toContain(TEST_OPENAI_KEY);
    expect(text).not.toContain("interaction-token-");
  });
});

describe("start errors an operator can act on", () => {
  it("a rejected token", async () => {
    const start = startDiscordHarness({ DISCORD_TOKEN: "not-the-right-token" });
    await expect(start).rejects.toBeInstanceOf(DiscordStartError);
    await expect(start).rejects.toThrow(/DISCORD_TOKEN/);
  });

  it("the Message Content intent not enabled in the portal", async () => {
    await expect(startDiscordHarness({}, { rejectMessageContent: true })).rejects.toThrow(
      /Message Content Intent/,
    );
  });
});
