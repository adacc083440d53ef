import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { type ReliabilityBot, startReliabilityBot } from "../reliability/support/bot.ts";
import { askDiscord, discordAnswer, repliesSent, SEND } from "../reliability/support/discord-user.ts";
import { askSlack, slackAnswer } from "../reliability/support/slack-user.ts";

// The reliability suite runs without the answer cache; these faults matter with it on.
let bot: ReliabilityBot;
beforeAll(async () => {
  bot = await startReliabilityBot({ env: { CACHE_TTL_SECONDS: "3600" } });
});
afterAll(async () => {
  await bot?.close();
});
beforeEach(() => {
  bot.core.fakeOpenAI.reset();
  // The first answer stops mid-stream (the platform refuses its post meanwhile); later ones are whole.
  bot.core.fakeOpenAI.setResponder((request) =>
    request.index === 0
      ? { kind: "stall-mid-stream", before: "The first words of" }
      : { kind: "text", text: `The whole answer to: ${lastUserMessage(request)}` },
  );
});

describe("an answer the platform refused is never served from the cache (cache on)", () => {
  it("Discord: the post refused, the same question later gets a whole answer", async () => {
    const { fake, adapter } = bot.discord;
    fake.fail({ method: "POST", path: SEND, status: 500, times: 4 });
    const refused = askDiscord(bot.discord, "What changed in the release?");
    await fake.waitFor("four refused sends", () => repliesSent(fake, refused).length === 4);
    await adapter.idle();

    const again = askDiscord(bot.discord, "What changed in the release?");
    const shown = (await discordAnswer(bot.discord, again)).map((m) => m.content);
    expect(shown).toEqual(["The whole answer to: What changed in the release?"]);
    expect(bot.core.fakeOpenAI.requests).toHaveLength(2);
  });

  it("Slack: the post refused, the same question later gets a whole answer", async () => {
    const { slack } = bot;
    const posts = () => slack.fake.callsTo("chat.postMessage").filter((call) => call.params.channel === "C9");
    slack.fake.failNext("chat.postMessage", { kind: "http", status: 500 }, 3);
    await askSlack(slack, "What changed in the release?", { channel: "C9" });
    await slack.fake.waitFor(() => posts().length === 3, "three refused posts");

    const place = await askSlack(slack, "What changed in the release?", { channel: "C9" });
    const messages = await slackAnswer(slack, place);
    expect(messages.map((m) => m.text).join("\n")).toContain("The whole answer to");
    expect(messages.map((m) => m.text).join("\n")).not.toContain("The first words of");
    expect(bot.core.fakeOpenAI.requests).toHaveLength(2);
  });
});
