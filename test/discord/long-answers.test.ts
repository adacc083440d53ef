import { describe, expect, it } from "vitest";
import { joinSplitMessage } from "../../src/text/split-message.ts";
import { mention, sendUserMessage } from "../fakes/discord/actors.ts";
import { expectNoPings, fencesBalanced } from "./expectations.ts";
import { type DiscordHarness, shareDiscordHarness } from "./harness.ts";

/** About 5000 characters: prose, a long Python block that cannot fit one message, more prose. */
function longAnswerWithCode(): string {
  const intro = "Here is how the importer works, step by step. ".repeat(25).trim();
  const code = Array.from(
    { length: 70 },
    (_, i) => `    rows[${i}] = normalise(read_row(source, ${i}))  # step ${i}`,
  ).join("\n");
  const outro = "That covers the whole flow; ask if a step is unclear. ".repeat(22).trim();
  return `${intro}\n\n\`\`\`python\ndef load(source):\n${code}\n    return rows\n\`\`\`\n\n${outro}`;
}

describe("long and streamed answers", () => {
  let h: DiscordHarness;
  shareDiscordHarness((started) => {
    h = started;
  });

  it("splits a 5000-character answer with a code block into balanced messages that join to the answer", async () => {
    const { fake, fakeOpenAI } = h;
    const answer = longAnswerWithCode();
    expect(answer.length).toBeGreaterThan(4900);
    fakeOpenAI.setResponder(() => ({ kind: "text", text: answer, chunks: 40 }));
    const channel = fake.state.channels.random.id;
    const question = sendUserMessage(fake, {
      channelId: channel,
      content: `${mention(fake.state.bot)} explain the importer`,
    });

    const shown = await fake.waitFor("the whole answer", () => {
      const contents = fake.state.botMessagesIn(channel).map((m) => m.content);
      try {
        return joinSplitMessage(contents) === answer && contents;
      } catch {
        return false; // a preview still being written
      }
    });
    await h.adapter.idle();

    expect(shown.length).toBeGreaterThanOrEqual(3);
    for (const content of shown) {
      expect(content.length).toBeLessThanOrEqual(2000);
      expect(fencesBalanced(content)).toBe(true);
    }
    // The block was split: a later part reopens it with its language.
    expect(shown.slice(1).some((content) => content.startsWith("```python\n"))).toBe(true);
    const messages = fake.state.botMessagesIn(channel);
    expect(messages[0]?.message_reference?.message_id).toBe(question.id);
    expect(messages.slice(1).every((m) => m.message_reference === undefined)).toBe(true);
    expectNoPings(fake);
  });

  it("posts once and edits each message at most once per interval, ending on the full text", async () => {
    const { fake, fakeOpenAI } = h;
    const answer = "Streaming answers arrive in many small pieces. ".repeat(8).trim();
    fakeOpenAI.setResponder(() => ({ kind: "text", text: answer, chunks: 30 }));
    const channel = fake.state.channels.general.id;
    sendUserMessage(fake, { channelId: channel, content: `${mention(fake.state.bot)} stream please` });
    await fake.waitFor("the final text", () =>
      fake.state.botMessagesIn(channel).find((m) => m.content === answer),
    );
    await h.adapter.idle();

    // 30 deltas under an hour-long edit interval: one post, then only the final edit.
    const posts = fake.callsTo("POST", /^\/channels\/\d+\/messages$/);
    const edits = fake.callsTo("PATCH", /^\/channels\/\d+\/messages\/\d+$/);
    expect(posts).toHaveLength(1);
    expect(edits.length).toBeLessThanOrEqual(1);
    expect((edits.at(-1) ?? posts[0])?.body?.content).toBe(answer);
    const stored = [...fake.state.messages.values()].find((m) => m.message.content === answer);
    expect(stored?.history.length).toBeLessThanOrEqual(2);
  });

  it("renders an engine failure as its short message", async () => {
    const { fake, fakeOpenAI } = h;
    fakeOpenAI.setResponder(() => ({
      kind: "error",
      status: 401,
      body: { error: { message: "bad key", type: "invalid_request_error", code: "invalid_api_key" } },
    }));
    const channel = fake.state.channels.general.id;
    sendUserMessage(fake, { channelId: channel, content: `${mention(fake.state.bot)} will this work?` });
    const expected = "The bot is not set up correctly (API key or model). Please tell the bot's operator.";
    await fake.waitFor("the failure message", () =>
      fake.state.botMessagesIn(channel).find((m) => m.content === expected),
    );
    await h.adapter.idle();
    expect(fake.callsTo("POST", /^\/channels\/\d+\/messages$/)).toHaveLength(1);
  });
});
