import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HistoryPair } from "../../src/conversation/history-store.ts";
import { HistoryWindow, type WindowLimits } from "../../src/conversation/history-window.ts";
import { TokenCounter } from "../../src/conversation/token-counter.ts";
import { ContextTooLongError } from "../../src/llm/errors.ts";

const counter = new TokenCounter();
const MARKER = "[… question shortened to fit …]";

/** A pair with token counts as the engine stores them (each message with its framing). */
function pair(user: string, assistant: string): HistoryPair {
  return {
    user,
    assistant,
    userTokens: counter.countMessage(user),
    assistantTokens: counter.countMessage(assistant),
  };
}

const cost = (p: HistoryPair) => p.userTokens + p.assistantTokens;

function windowOf(limits: Partial<WindowLimits> = {}) {
  return new HistoryWindow(counter, {
    maxTokens: 8_000,
    maxMessages: 20,
    answerTokens: 1_000,
    contextTokens: 128_000,
    ...limits,
  });
}

/** What the messages really cost, recounted from scratch. */
const recount = (messages: { content: string }[]) =>
  messages.reduce((sum, message) => sum + counter.countMessage(message.content), 0);

const history = (n: number) => Array.from({ length: n }, (_, i) => pair(`question ${i}`, `answer ${i}`));

describe("HistoryWindow", () => {
  it("sends the system prompt first, whole pairs in order, the question last, and no name field", () => {
    const built = windowOf().build("Be helpful.", history(3), "and now?", MARKER);
    expect(built.messages).toEqual([
      { role: "system", content: "Be helpful." },
      { role: "user", content: "question 0" },
      { role: "assistant", content: "answer 0" },
      { role: "user", content: "question 1" },
      { role: "assistant", content: "answer 1" },
      { role: "user", content: "question 2" },
      { role: "assistant", content: "answer 2" },
      { role: "user", content: "and now?" },
    ]);
    expect(built.pairsUsed).toBe(3);
    expect(built.questionTruncated).toBe(false);
    expect(built.promptTokens).toBe(recount(built.messages));
  });

  it("keeps the newest pairs within the message bound (two messages per pair)", () => {
    const built = windowOf({ maxMessages: 4 }).build("sys", history(10), "q", MARKER);
    expect(built.messages.map((m) => m.content)).toEqual([
      "sys",
      "question 8",
      "answer 8",
      "question 9",
      "answer 9",
      "q",
    ]);
  });

  it("rounds an odd message bound down to whole pairs, and zero means no history", () => {
    expect(windowOf({ maxMessages: 5 }).build("sys", history(10), "q", MARKER).pairsUsed).toBe(2);
    expect(windowOf({ maxMessages: 1 }).build("sys", history(10), "q", MARKER).pairsUsed).toBe(0);
    expect(windowOf({ maxMessages: 0 }).build("sys", history(10), "q", MARKER).messages).toHaveLength(2);
    expect(windowOf({ maxMessages: 7 }).maxPairs).toBe(3);
  });

  it("keeps the newest whole pairs within the token bound, reserving the answer", () => {
    const pairs = history(10);
    const fixed = counter.countMessage("sys") + counter.countMessage("q");
    const perPair = cost(pairs[9] as HistoryPair);
    // Room for exactly three pairs once the answer's 500 tokens are reserved.
    const maxTokens = 500 + fixed + 3 * perPair;
    const built = windowOf({ maxTokens, answerTokens: 500 }).build("sys", pairs, "q", MARKER);
    expect(built.pairsUsed).toBe(3);
    expect(built.messages[1]?.content).toBe("question 7");
    expect(built.promptTokens).toBe(fixed + 3 * perPair);
    expect(built.promptTokens + 500).toBeLessThanOrEqual(maxTokens);

    const oneShort = windowOf({ maxTokens: maxTokens - 1, answerTokens: 500 }).build(
      "sys",
      pairs,
      "q",
      MARKER,
    );
    expect(oneShort.pairsUsed).toBe(2);
  });

  it("never splits a pair and never skips a big pair to reach older ones", () => {
    const big = pair("tell me everything", "word ".repeat(2_000));
    const pairs = [pair("old", "small"), big, pair("new", "small")];
    const built = windowOf({ maxTokens: 1_500, answerTokens: 500 }).build("sys", pairs, "q", MARKER);
    expect(built.messages.map((m) => m.content)).toEqual(["sys", "new", "small", "q"]);
    const roles = built.messages.map((m) => m.role);
    expect(roles).toEqual(["system", "user", "assistant", "user"]);
  });

  it("counts the question against the bound, so a long question leaves less room for history", () => {
    const pairs = history(10);
    const short = windowOf({ maxTokens: 700, answerTokens: 500 }).build("sys", pairs, "q", MARKER);
    const long = windowOf({ maxTokens: 700, answerTokens: 500 }).build(
      "sys",
      pairs,
      "why ".repeat(100),
      MARKER,
    );
    expect(long.pairsUsed).toBeLessThan(short.pairsUsed);
    expect(long.promptTokens).toBeLessThanOrEqual(200);
  });

  it("bounds by the model's context when it is smaller than the window", () => {
    const built = windowOf({ maxTokens: 100_000, contextTokens: 1_200, answerTokens: 1_000 }).build(
      "sys",
      history(50),
      "q",
      MARKER,
    );
    expect(built.promptTokens + 1_000).toBeLessThanOrEqual(1_200);
    expect(built.pairsUsed).toBeGreaterThan(0);
  });

  it("cuts a question too long for the window, with the marker, as a prefix of the original", () => {
    const question = "Please review this log: ".concat("ERROR connection refused at db:5432\n".repeat(2_000));
    const built = windowOf({ maxTokens: 2_000, answerTokens: 500 }).build(
      "sys",
      history(3),
      question,
      MARKER,
    );
    expect(built.questionTruncated).toBe(true);
    expect(built.question.endsWith(`\n${MARKER}`)).toBe(true);
    expect(question.startsWith(built.question.slice(0, -(MARKER.length + 1)))).toBe(true);
    expect(built.messages.at(-1)?.content).toBe(built.question);
    expect(built.pairsUsed).toBe(0); // the question took all the room
    expect(built.promptTokens + 500).toBeLessThanOrEqual(2_000);
    expect(recount(built.messages)).toBe(built.promptTokens);
  });

  it("cuts a long Chinese question without breaking a character", () => {
    const question = "请解释一下这个错误是什么意思，以及应该如何修复它。".repeat(1_500);
    const built = windowOf({ maxTokens: 3_000, answerTokens: 1_000 }).build("系统提示", [], question, MARKER);
    expect(built.questionTruncated).toBe(true);
    expect(built.question).not.toContain("\uFFFD");
    expect(question.startsWith(built.question.slice(0, -(MARKER.length + 1)))).toBe(true);
    expect(built.promptTokens + 1_000).toBeLessThanOrEqual(3_000);
  });

  it("takes special-token text in questions and history as plain text", () => {
    const tricky = pair("what is <|endoftext|>?", "It is <|endoftext|>, a special token.");
    const built = windowOf().build("sys <|im_start|>", [tricky], "<|endoftext|><|fim_prefix|>", MARKER);
    expect(built.messages.at(-1)?.content).toBe("<|endoftext|><|fim_prefix|>");
    expect(built.pairsUsed).toBe(1);
    const cut = windowOf({ maxTokens: 300, answerTokens: 100 }).build(
      "sys",
      [],
      "<|endoftext|> ".repeat(500),
      MARKER,
    );
    expect(cut.questionTruncated).toBe(true);
    expect(cut.promptTokens + 100).toBeLessThanOrEqual(300);
  });

  it("stays within the context when a cut lands inside an emoji", () => {
    const question = "😀🤖👍🏽".repeat(300);
    for (let context = 300; context < 340; context++) {
      const built = windowOf({ maxTokens: context, contextTokens: context, answerTokens: 100 }).build(
        "sys",
        [],
        question,
        MARKER,
      );
      expect(recount(built.messages) + 100, `context ${context}`).toBeLessThanOrEqual(context);
    }
  });

  it("never exceeds the model's context, whatever the history and question (property)", () => {
    const text = fc
      .array(fc.constantFrom("word ", "中文", "。", "😀", "\n", "<|endoftext|>", "a", "éé"), {
        maxLength: 400,
      })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, text), { maxLength: 12 }),
        text,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 300, max: 3_000 }),
        fc.integer({ min: 1, max: 200 }),
        (pairs, question, maxMessages, context, answerTokens) => {
          const built = windowOf({
            maxTokens: context + 500,
            contextTokens: context,
            maxMessages,
            answerTokens,
          }).build(
            "You are terse.",
            pairs.map(([u, a]) => pair(u, a)),
            question,
            MARKER,
          );
          expect(recount(built.messages) + answerTokens).toBeLessThanOrEqual(context);
          expect(built.messages.length - 2).toBeLessThanOrEqual(maxMessages);
          expect(built.messages.at(-1)?.content).toBe(built.question);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it("never exceeds the model's context even when the layered system prompt alone is too big", () => {
    const systemPrompt = "Always follow the workspace rules below in every answer. ".repeat(200); // ~2,000 tokens
    const window = windowOf({ maxTokens: 1_500, contextTokens: 1_500, answerTokens: 500 });
    let built: ReturnType<HistoryWindow["build"]>;
    try {
      built = window.build(systemPrompt, history(2), "hi", MARKER);
    } catch (error) {
      expect(error).toBeInstanceOf(ContextTooLongError); // refusing with a typed error is fine too
      return;
    }
    expect(recount(built.messages) + 500).toBeLessThanOrEqual(1_500);
  });
});
