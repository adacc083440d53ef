import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mention, openThread, sendInteraction, sendUserMessage } from "../fakes/discord/actors.ts";
import { type ApiMessage, message, snowflake } from "../fakes/discord/payloads.ts";
import type { FakeDiscord } from "../fakes/discord/server.ts";
import type { RequestInfo } from "../fakes/openai-server.ts";
import { type DiscordHarness, shareDiscordHarness, startDiscordHarness } from "./harness.ts";

/** The texts of the user turns the model received in one request, oldest first. */
function userTurns(request: RequestInfo | undefined): string[] {
  return (request?.body.messages ?? []).filter((m) => m.role === "user").map((m) => m.content);
}

/** Waits for the bot's message in `channelId` showing exactly `text`, then for the bot to be idle. */
async function botSays(h: DiscordHarness, channelId: string, text: string): Promise<ApiMessage> {
  const found = await h.fake.waitFor(`"${text}" in ${channelId}`, () =>
    h.fake.state.botMessagesIn(channelId).find((m) => m.content === text),
  );
  await h.adapter.idle();
  return found;
}

function ask(
  fake: FakeDiscord,
  channelId: string,
  content: string,
  extra: Partial<Parameters<typeof sendUserMessage>[1]> = {},
) {
  return sendUserMessage(fake, { channelId, content, ...extra });
}

describe("conversations", () => {
  let h: DiscordHarness;
  shareDiscordHarness((started) => {
    h = started;
  });

  it("continues a reply chain with its own history, even in a busy channel", async () => {
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    const general = state.channels.general.id;
    const bot = mention(state.bot);

    const first = ask(fake, general, `${bot} my favourite colour is teal`);
    const firstAnswer = await botSays(h, general, "Echo: my favourite colour is teal");
    ask(fake, general, `${bot} unrelated question from bob`, { author: state.bob });
    await botSays(h, general, "Echo: unrelated question from bob");

    // A reply to the bot's answer needs no mention; the chain's root is the first question.
    const followUp = ask(fake, general, "which colour did I say?", { replyTo: firstAnswer });
    const secondAnswer = await botSays(h, general, "Echo: which colour did I say?");
    expect(userTurns(fakeOpenAI.requests[2])).toEqual([
      "my favourite colour is teal",
      "which colour did I say?",
    ]);
    expect(secondAnswer.message_reference?.message_id).toBe(followUp.id);

    // Deeper in the chain, replying without pinging the bot, history keeps growing.
    ask(fake, general, "and the one before?", { replyTo: secondAnswer, pingReply: false });
    await botSays(h, general, "Echo: and the one before?");
    expect(userTurns(fakeOpenAI.requests[3])).toEqual([
      "my favourite colour is teal",
      "which colour did I say?",
      "and the one before?",
    ]);
    expect(first.id).not.toBe(followUp.id);
  });

  it("finds the chain's root by following references when it does not remember the answer", async () => {
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    const general = state.channels.general.id;
    // A question and answer from before a restart: only Discord knows them.
    const oldQuestion = ask(fake, general, "a human message nobody answered");
    await h.adapter.idle();
    const mentionReply = ask(fake, general, `${mention(state.bot)} what about this?`, {
      replyTo: oldQuestion,
    });
    await botSays(h, general, "Echo: what about this?");
    const answer = state.botMessagesIn(general).at(-1) as ApiMessage;
    ask(fake, general, "and more?", { replyTo: answer });
    await botSays(h, general, "Echo: and more?");
    expect(userTurns(fakeOpenAI.requests.at(-1))).toEqual(["what about this?", "and more?"]);
    expect(mentionReply.message_reference?.message_id).toBe(oldQuestion.id);
  });

  it("in a thread where it was mentioned, answers later messages without a mention", async () => {
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    const thread = openThread(fake, state.channels.general.id, "Printer trouble", state.bob);

    ask(fake, thread.id, "talking among ourselves before the bot joins", { author: state.bob });
    ask(fake, thread.id, `${mention(state.bot)} the printer says PC LOAD LETTER`);
    await botSays(h, thread.id, "Echo: the printer says PC LOAD LETTER");
    ask(fake, thread.id, "what does that mean?", { author: state.bob });
    await botSays(h, thread.id, "Echo: what does that mean?");

    expect(fakeOpenAI.requests).toHaveLength(2);
    expect(userTurns(fakeOpenAI.requests[1])).toEqual([
      "the printer says PC LOAD LETTER",
      "what does that mean?",
    ]);
    expect(state.botMessagesIn(thread.id)).toHaveLength(2);

    // /ask inside the thread continues the thread's conversation too.
    const slash = sendInteraction(fake, {
      command: "ask",
      options: { question: "so what now?" },
      channelId: thread.id,
    });
    await fake.waitFor("the /ask answer", () =>
      state
        .interactionMessages(slash.token)
        .find((stored) => stored.message.content === "Echo: so what now?"),
    );
    await h.adapter.idle();
    expect(userTurns(fakeOpenAI.requests[2])).toEqual([
      "the printer says PC LOAD LETTER",
      "what does that mean?",
      "so what now?",
    ]);
  });

  it("answers every DM in one bounded conversation that /reset clears", async () => {
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    const dm = snowflake();
    ask(fake, dm, "hello from a DM");
    const first = await botSays(h, dm, "Echo: hello from a DM");
    expect(first.message_reference).toBeUndefined(); // a DM is answered with a plain message
    expect(first.guild_id).toBeUndefined();
    ask(fake, dm, "still me");
    await botSays(h, dm, "Echo: still me");
    expect(userTurns(fakeOpenAI.requests[1])).toEqual(["hello from a DM", "still me"]);

    const reset = sendInteraction(fake, { command: "reset", channelId: dm, dm: true });
    await fake.waitFor("reset confirmation", () => state.interactionMessages(reset.token)[0]);
    await h.adapter.idle();
    ask(fake, dm, "fresh start");
    await botSays(h, dm, "Echo: fresh start");
    expect(userTurns(fakeOpenAI.requests[2])).toEqual(["fresh start"]);
  });
});

describe("DISCORD_AUTO_THREAD=true", () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness({ DISCORD_AUTO_THREAD: "true" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("opens a public thread named from the question, answers there, and continues without mentions", async () => {
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    const general = state.channels.general.id;
    const question = ask(
      fake,
      general,
      `${mention(state.bot)} How do I rotate my API keys?\nDetails follow.`,
    );
    const threadId = question.id; // Discord gives a thread started on a message that message's id
    await botSays(h, threadId, "Echo: How do I rotate my API keys?\nDetails follow.");

    const threadCall = fake.callsTo("POST", /\/threads$/)[0];
    expect(threadCall?.path).toBe(`/channels/${general}/messages/${question.id}/threads`);
    expect(threadCall?.body?.name).toBe("How do I rotate my API keys?");
    expect(state.botMessagesIn(general)).toHaveLength(0);

    ask(fake, threadId, "and how often?", { author: state.bob });
    await botSays(h, threadId, "Echo: and how often?");
    expect(userTurns(fakeOpenAI.requests[1])).toEqual([
      "How do I rotate my API keys?\nDetails follow.",
      "and how often?",
    ]);
  });
  it("a reply to the bot (which pings it) continues the reply chain, not a new thread (#3)", async () => {
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    const general = state.channels.general.id;
    // An answer of the bot's in the channel, e.g. to /ask or from before auto-threads were on.
    const earlier = message({
      channel_id: general,
      author: state.bot,
      content: "Echo: the port is 8080",
      guild_id: state.guildId,
    });
    state.store(earlier);
    const threadsBefore = fake.callsTo("POST", /\/threads$/).length;
    const requestsBefore = fakeOpenAI.requests.length;

    const reply = ask(fake, general, "and the host?", { replyTo: earlier });
    expect(reply.mentions.map((user) => user.id)).toContain(state.bot.id); // the client's reply ping
    const answer = await botSays(h, general, "Echo: and the host?");
    expect(answer.message_reference?.message_id).toBe(reply.id);
    ask(fake, general, "and the user?", { replyTo: answer });
    await botSays(h, general, "Echo: and the user?");

    expect(fake.callsTo("POST", /\/threads$/)).toHaveLength(threadsBefore);
    expect(userTurns(fakeOpenAI.requests[requestsBefore + 1])).toEqual(["and the host?", "and the user?"]);
  });
});
