import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendInteraction, sendUserMessage } from "../fakes/discord/actors.ts";
import { lastUserMessage, type RequestInfo } from "../fakes/openai-server.ts";
import { type ReliabilityBot, startReliabilityBot } from "./support/bot.ts";
import {
  askDiscord,
  contentHistory,
  discordAnswer,
  EDIT,
  messagesAfter,
  repliesSent,
  SEND,
} from "./support/discord-user.ts";
import { sampleKey, snapshot } from "./support/metrics.ts";
import type { RecordingProxy } from "./support/recording-proxy.ts";

let bot: ReliabilityBot;
let gateway: RecordingProxy;
beforeAll(async () => {
  // Proxied: the gateway connection runs through a proxy that can cut it like a network failure.
  bot = await startReliabilityBot({ proxied: true });
  gateway = bot.proxies?.discord as RecordingProxy;
});
afterAll(async () => {
  await bot?.close();
});
beforeEach(() => {
  bot.discord.fake.clearCalls();
  bot.core.fakeOpenAI.reset();
});

/** Answers streamed in three pieces, so a preview is posted before the final edit. */
function streamedAnswers(): void {
  bot.core.fakeOpenAI.setResponder((request) => ({
    kind: "text",
    text: `Streamed answer to: ${lastUserMessage(request)}`,
    chunks: 3,
    chunkDelayMs: 20,
  }));
}

const conversation = (request: RequestInfo | undefined) =>
  (request?.body.messages ?? []).filter((m) => m.role !== "system").map((m) => m.content);

const loggedFailures = () =>
  bot.core.logs.entries().filter((entry) => entry.msg === "discord: could not answer").length;

describe("Discord REST faults", () => {
  it("a 500 on send is retried by discord.js: one reply", async () => {
    const { fake } = bot.discord;
    fake.fail({ method: "POST", path: SEND, status: 500 });
    const question = askDiscord(bot.discord, "Still there after a 500?");
    const shown = await discordAnswer(bot.discord, question);
    expect(shown.map((m) => m.content)).toEqual(["Echo: Still there after a 500?"]);
    expect(repliesSent(fake, question).map((call) => call.status)).toEqual([500, 200]);
    expect(bot.guard.problems).toEqual([]);
  });

  it("a 500 on every attempt to send: logged, no crash, the next message is answered", async () => {
    const { fake, adapter } = bot.discord;
    const failuresBefore = loggedFailures();
    // discord.js tries a 5xx four times in all; every one fails.
    fake.fail({ method: "POST", path: SEND, status: 500, times: 4 });
    const question = askDiscord(bot.discord, "Is Discord down?");
    await fake.waitFor("four refused sends", () => repliesSent(fake, question).length === 4);
    await adapter.idle();
    expect(messagesAfter(fake, question)).toHaveLength(0);
    expect(loggedFailures()).toBe(failuresBefore + 1);

    const next = askDiscord(bot.discord, "And now?");
    expect((await discordAnswer(bot.discord, next)).map((m) => m.content)).toEqual(["Echo: And now?"]);
    expect(bot.guard.problems).toEqual([]);
  });

  it("a 500 on every attempt to send leaves no unseen answer in the history", async () => {
    const { fake, adapter } = bot.discord;
    // The whole answer in one piece: the engine has it before the first refused send comes back.
    bot.core.fakeOpenAI.setResponder((request) => ({
      kind: "text",
      text: `Echo: ${lastUserMessage(request)}`,
      chunks: 1,
    }));
    fake.fail({ method: "POST", path: SEND, status: 500, times: 4 });
    const question = askDiscord(bot.discord, "An answer nobody will see?");
    await fake.waitFor("four refused sends", () => repliesSent(fake, question).length === 4);
    await adapter.idle();
    // Mentioning the bot in a reply to one's own unanswered question continues its conversation.
    const followUp = askDiscord(bot.discord, "Did you get that?", { replyTo: question, mentionBot: true });
    await discordAnswer(bot.discord, followUp);
    expect(conversation(bot.core.fakeOpenAI.requests.at(-1))).toEqual(["Did you get that?"]);
  });

  it("a 429 on send is waited out: one reply", async () => {
    const { fake } = bot.discord;
    fake.fail({ method: "POST", path: SEND, status: 429, headers: { "retry-after": "0.05" } });
    const question = askDiscord(bot.discord, "Rate limited on send?");
    const shown = await discordAnswer(bot.discord, question);
    expect(shown.map((m) => m.content)).toEqual(["Echo: Rate limited on send?"]);
    expect(repliesSent(fake, question).map((call) => call.status)).toEqual([429, 200]);
  });

  it("a 500 on edit is retried by discord.js: the final text lands once", async () => {
    const { fake } = bot.discord;
    streamedAnswers();
    fake.fail({ method: "PATCH", path: EDIT, status: 500 });
    const question = askDiscord(bot.discord, "Edit after a 500?");
    const shown = await discordAnswer(bot.discord, question);
    expect(shown.map((m) => m.content)).toEqual(["Streamed answer to: Edit after a 500?"]);
    expect(fake.callsTo("PATCH", EDIT).map((call) => call.status)).toEqual([500, 200]);
    expect(repliesSent(fake, question)).toHaveLength(1);
  });

  it("a 429 on edit is waited out: the final text lands once", async () => {
    const { fake } = bot.discord;
    streamedAnswers();
    fake.fail({ method: "PATCH", path: EDIT, status: 429, headers: { "retry-after": "0.05" } });
    const question = askDiscord(bot.discord, "Edit after a 429?");
    const shown = await discordAnswer(bot.discord, question);
    expect(shown.map((m) => m.content)).toEqual(["Streamed answer to: Edit after a 429?"]);
    expect(fake.callsTo("PATCH", EDIT).map((call) => call.status)).toEqual([429, 200]);
    expect(contentHistory(fake, question)[0]?.at(-1)).toBe("Streamed answer to: Edit after a 429?");
  });

  it("a 500 on every attempt of the final edit still shows the whole answer once", async () => {
    const { fake } = bot.discord;
    streamedAnswers();
    fake.fail({ method: "PATCH", path: EDIT, status: 500, times: 4 });
    const question = askDiscord(bot.discord, "Edits are down?");
    const shown = await discordAnswer(bot.discord, question);
    expect(bot.guard.problems).toEqual([]);
    expect(shown.map((m) => m.content)).toEqual(["Streamed answer to: Edits are down?"]);
  });
});

const opcodes = (frames: string[]) =>
  frames.map((frame) => {
    try {
      return (
        (JSON.parse(frame) as { op?: number; t?: string | null }).t ??
        `op${(JSON.parse(frame) as { op?: number }).op}`
      );
    } catch {
      return "binary";
    }
  });

describe("Discord gateway faults", () => {
  it("a dropped gateway connection is resumed: the answer in flight lands once, later messages are answered once", async () => {
    const { fake } = bot.discord;
    streamedAnswers();
    const tunnelsBefore = gateway.requests.filter((request) => request.url.startsWith("/gateway")).length;
    const question = askDiscord(bot.discord, "Answer me across a network blip");
    await fake.waitFor("the preview of the answer", () => repliesSent(fake, question).length === 1);
    gateway.dropTunnels();

    // discord.js reconnects to resume_gateway_url and resumes the session: RESUME, not a new IDENTIFY.
    await gateway.waitFor("RESUMED", () => opcodes(gateway.framesReceived).includes("RESUMED"));
    expect(opcodes(gateway.frames)).toContain("op6");
    expect(fake.gateway.identifies).toHaveLength(1);
    expect(gateway.requests.filter((request) => request.url.startsWith("/gateway"))).toHaveLength(
      tunnelsBefore + 1,
    );

    const shown = await discordAnswer(bot.discord, question);
    expect(shown.map((m) => m.content)).toEqual(["Streamed answer to: Answer me across a network blip"]);

    // Discord replays what the bot missed on resume; a message it had seen already is answered once.
    const replayed = sendUserMessage(fake, {
      channelId: question.channel_id,
      content: question.content,
      id: question.id,
    });
    const after = askDiscord(bot.discord, "After the resume?");
    await discordAnswer(bot.discord, after);
    expect(replayed.id).toBe(question.id);
    expect(repliesSent(fake, question)).toHaveLength(1);
    expect(messagesAfter(fake, after).map((m) => m.content)).toEqual([
      "Streamed answer to: After the resume?",
    ]);
    expect(bot.core.fakeOpenAI.requests.map((request) => lastUserMessage(request))).toEqual([
      "Answer me across a network blip",
      "After the resume?",
    ]);
    expect(bot.guard.problems).toEqual([]);
  });
});

describe("Discord interaction faults", () => {
  it("an interaction whose token expired: logged, no upstream call, nothing posted", async () => {
    const { fake, adapter } = bot.discord;
    const failuresBefore = loggedFailures();
    fake.fail({
      method: "POST",
      path: /\/callback$/,
      status: 404,
      body: { message: "Unknown interaction", code: 10062 },
    });
    const channelId = fake.state.channels.random.id;
    sendInteraction(fake, { command: "ask", options: { question: "Too late?" }, channelId });
    await fake.waitFor("the refused defer", () => fake.callsTo("POST", /\/callback$/).length === 1);
    await adapter.idle();
    expect(loggedFailures()).toBe(failuresBefore + 1);
    expect(fake.calls.filter((call) => call.path.startsWith("/webhooks/"))).toHaveLength(0);
    expect(bot.core.fakeOpenAI.requests).toHaveLength(0);

    const { token } = sendInteraction(fake, { command: "ask", options: { question: "In time?" }, channelId });
    await fake.waitFor("the next answer", () =>
      fake.state.interactionMessages(token).some((stored) => stored.message.content === "Echo: In time?"),
    );
    await adapter.idle();
    expect(bot.guard.problems).toEqual([]);
  });

  it("an interaction token that expires during the answer: logged, no crash, the next command works", async () => {
    const { fake, adapter } = bot.discord;
    const failuresBefore = loggedFailures();
    const before = await snapshot(bot.metrics);
    fake.fail({
      method: "PATCH",
      path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/,
      status: 401,
      body: { message: "Invalid Webhook Token", code: 50027 },
    });
    const channelId = fake.state.channels.random.id;
    sendInteraction(fake, { command: "ask", options: { question: "Slow question?" }, channelId });
    await fake.waitFor("the refused edit", () => fake.callsTo("PATCH", /@original$/).length === 1);
    await adapter.idle();
    expect(loggedFailures()).toBe(failuresBefore + 1);
    const after = await snapshot(bot.metrics);
    // Nobody can see the answer: the engine is cancelled, so the turn counts as abandoned, not answered.
    const cancelled = sampleKey("bot_answers_total", { cache: "bypass", result: "abandoned" });
    expect((after.get(cancelled) ?? 0) - (before.get(cancelled) ?? 0)).toBe(1);

    const { token } = sendInteraction(fake, {
      command: "ask",
      options: { question: "Next one?" },
      channelId,
    });
    await fake.waitFor("the next answer", () =>
      fake.state.interactionMessages(token).some((stored) => stored.message.content === "Echo: Next one?"),
    );
    await adapter.idle();
    expect(bot.guard.problems).toEqual([]);
  });

  it("leaks no secret into logs, prompts or messages", () => {
    expect(bot.leaks()).toEqual([]);
  });
});
