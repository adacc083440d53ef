import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { answerCharCap } from "../../src/engine/answer-size-cap.ts";
import { translate } from "../../src/i18n/translate.ts";
import { type ReliabilityBot, startReliabilityBot } from "./support/bot.ts";
import { askDiscord, contentHistory, discordAnswer } from "./support/discord-user.ts";
import { askSlack, slackAnswer } from "./support/slack-user.ts";

let bot: ReliabilityBot;
beforeAll(async () => {
  bot = await startReliabilityBot();
});
afterAll(async () => {
  await bot?.close();
});

/** An endpoint that ignores max_tokens: 1 MB of prose for any question, in 250 deltas. */
const runaway = "All work and no play makes a very long answer. ".repeat(21_846).slice(0, 1_048_576);
beforeEach(() => {
  bot.core.fakeOpenAI.reset();
  bot.core.fakeOpenAI.setResponder(() => ({ kind: "text", text: runaway, chunks: 250 }));
});

const cap = answerCharCap(1024); // MAX_TOKENS default
const cappedNote = translate("en", "note.answer_capped");

describe("an endpoint that ignores max_tokens (#8)", () => {
  it("Slack: a 1 MB stream is cut at the character cap with a note, in a handful of messages", async () => {
    const place = await askSlack(bot.slack, "tell me everything");
    const messages = await slackAnswer(bot.slack, place, (shown) =>
      shown.some((message) => message.text.includes("configured length")),
    );
    await bot.slack.adapter.idle();
    // 16 characters per token of MAX_TOKENS: 16,384 characters, in 4,000-character parts.
    expect(messages.length).toBeLessThanOrEqual(Math.ceil(cap / 4000) + 1);
    expect(messages.at(-1)?.text).toContain("configured length");
    const shownChars = messages.reduce((sum, message) => sum + message.text.length, 0);
    expect(shownChars).toBeLessThan(cap + cappedNote.length + 500);
    expect(bot.core.fakeOpenAI.requests).toHaveLength(1);
  });

  it("Discord: a 1 MB stream is cut at the character cap with a note, in a handful of messages", async () => {
    const question = askDiscord(bot.discord, "tell me everything");
    const messages = await discordAnswer(bot.discord, question);
    const contents = contentHistory(bot.discord.fake, question).map((history) => history.at(-1) ?? "");
    // 16,384 characters in Discord's 2,000-character messages.
    expect(messages.length).toBeLessThanOrEqual(Math.ceil(cap / 2000) + 1);
    expect(contents.at(-1)).toContain(cappedNote);
    expect(bot.core.fakeOpenAI.requests).toHaveLength(1);
  });

  it("a legitimate answer of MAX_TOKENS long tokens is never cut", async () => {
    // 1,024 tokens of 15 characters each (long identifiers), under the cap of 16 per token.
    const longTokens = "abcdefghijklmn ".repeat(1024);
    bot.core.fakeOpenAI.setResponder(() => ({ kind: "text", text: longTokens, chunks: 40 }));
    const place = await askSlack(bot.slack, "long tokens please");
    const letters = (text: string) => text.replace(/\s+/g, "");
    const messages = await slackAnswer(
      bot.slack,
      place,
      (shown) => letters(shown.map((message) => message.text).join("")).length >= letters(longTokens).length,
    );
    await bot.slack.adapter.idle();
    const shown = messages.map((message) => message.text).join("");
    expect(shown).not.toContain("configured length");
    expect(letters(shown)).toBe(letters(longTokens));
  });
});
