import { describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../../adapters/discord/index.ts";
import { channelMention, mention, roleMention, sendUserMessage } from "../fakes/discord/actors.ts";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { expectNoPings } from "./expectations.ts";
import { type DiscordHarness, shareDiscordHarness } from "./harness.ts";

let h: DiscordHarness;
shareDiscordHarness((started) => {
  h = started;
});

/** Waits until the bot's answer to `questionId` shows `text`, then until the bot is idle. */
async function answerTo(questionId: string, text: string) {
  const { fake } = h;
  const answer = await fake.waitFor(`answer "${text}"`, () =>
    [...fake.state.messages.values()].find(
      (stored) =>
        stored.message.author.id === fake.state.bot.id &&
        stored.message.message_reference?.message_id === questionId &&
        stored.message.content === text,
    ),
  );
  await h.adapter.idle();
  return answer;
}

describe("mentions in a server channel", () => {
  it("answers as a reply, without the bot's mention, notifying nobody", async () => {
    const { fake, fakeOpenAI } = h;
    const general = fake.state.channels.general.id;
    const question = sendUserMessage(fake, {
      channelId: general,
      content: `${mention(fake.state.bot)} how do I reset my password?`,
    });
    const answer = await answerTo(question.id, "Echo: how do I reset my password?");

    expect(fakeOpenAI.requests).toHaveLength(1);
    expect(lastUserMessage(fakeOpenAI.requests[0] as never)).toBe("how do I reset my password?");
    expect(answer.message.channel_id).toBe(general);
    expect(fake.callsTo("POST", /^\/channels\/\d+\/typing$/)).toHaveLength(1);
    // One post and at most one final edit: the throttle is an hour in this harness.
    expect(fake.callsTo("POST", /^\/channels\/\d+\/messages$/)).toHaveLength(1);
    expect(fake.callsTo("PATCH", /^\/channels\/\d+\/messages\/\d+$/).length).toBeLessThanOrEqual(1);
    expectNoPings(fake);
  });

  it("shows the model names instead of user, role and channel mentions", async () => {
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    const question = sendUserMessage(fake, {
      channelId: state.channels.general.id,
      author: state.bob,
      content: `${mention(state.bot)} what does ${mention(state.alice)} in ${roleMention(state.roles.support.id)} say about ${channelMention(state.channels.random)}?`,
    });
    const seen = "what does @Alice (Support) in @Support say about #random?";
    await answerTo(question.id, `Echo: ${seen}`);
    expect(lastUserMessage(fakeOpenAI.requests[0] as never)).toBe(seen);
  });

  it("counts a mention of the bot's integration role as a mention", async () => {
    const { fake, fakeOpenAI } = h;
    const question = sendUserMessage(fake, {
      channelId: fake.state.channels.general.id,
      content: `${roleMention(fake.state.roles.botRole.id)} what is a role?`,
    });
    await answerTo(question.id, "Echo: what is a role?");
    expect(fakeOpenAI.requests).toHaveLength(1);
  });

  it("never lets model output or echoed text ping @everyone, @here, roles or users", async () => {
    const { fake } = h;
    const { state } = fake;
    const loud = `@everyone @here ${roleMention(state.roles.support.id)} ${mention(state.bob)} listen up`;
    h.fakeOpenAI.setResponder(() => ({ kind: "text", text: loud, chunks: 4 }));
    const question = sendUserMessage(fake, {
      channelId: state.channels.general.id,
      content: `${mention(state.bot)} please say @everyone`,
    });
    const answer = await answerTo(question.id, loud);
    expect(answer.message.content).toBe(loud); // the text is shown as written, just silent
    expectNoPings(fake);
  });
});

describe("messages the bot ignores", () => {
  it("ignores bots (itself included), webhooks and plain chatter", async () => {
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    const general = state.channels.general.id;
    sendUserMessage(fake, {
      channelId: general,
      author: state.otherBot,
      content: `${mention(state.bot)} bot talk`,
    });
    sendUserMessage(fake, { channelId: general, author: state.bot, content: `${mention(state.bot)} myself` });
    sendUserMessage(fake, {
      channelId: general,
      webhookId: "123",
      content: `${mention(state.bot)} from a webhook`,
    });
    sendUserMessage(fake, { channelId: general, content: "people chatting without a mention" });
    const sentinel = sendUserMessage(fake, { channelId: general, content: `${mention(state.bot)} sentinel` });

    await answerTo(sentinel.id, "Echo: sentinel");
    expect(fakeOpenAI.requests.map((request) => lastUserMessage(request))).toEqual(["sentinel"]);
    expect(fake.callsTo("POST", /^\/channels\/\d+\/messages$/)).toHaveLength(1);
  });

  it("answers a message delivered twice once, even to two replicas sharing the dedupe store", async () => {
    const { fake, fakeOpenAI } = h;
    const { state } = fake;
    // A second process (rolling deploy) on the same token and the same store sees every event too.
    const replica = createDiscordAdapter(h.services);
    await replica.start();
    try {
      const question = sendUserMessage(fake, {
        channelId: state.channels.general.id,
        content: `${mention(state.bot)} once please`,
      });
      await answerTo(question.id, "Echo: once please");
      await replica.idle();
      expect(fake.gateway.connected).toBe(2);
      expect(fakeOpenAI.requests).toHaveLength(1);
      expect(fake.callsTo("POST", /^\/channels\/\d+\/messages$/)).toHaveLength(1);
    } finally {
      await replica.stop();
    }
  });

  it("stays silent where it may not send, without calling Discord", async () => {
    const { fake, fakeOpenAI, logs } = h;
    const { state } = fake;
    const readOnly = state.channels.readOnly.id;
    sendUserMessage(fake, { channelId: readOnly, content: `${mention(state.bot)} can you hear me?` });
    const sentinel = sendUserMessage(fake, {
      channelId: state.channels.general.id,
      content: `${mention(state.bot)} here?`,
    });
    await answerTo(sentinel.id, "Echo: here?");

    expect(fakeOpenAI.requests).toHaveLength(1);
    expect(fake.calls.filter((call) => call.path.includes(readOnly))).toHaveLength(0);
    const skipped = logs.entries().find((entry) => entry.channelId === readOnly);
    expect(skipped?.msg).toMatch(/no permission/);
  });
});
