import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MESSAGE_OVERHEAD_TOKENS, TokenCounter } from "../../src/conversation/token-counter.ts";

const counter = new TokenCounter();

/** Text built from pieces whose tokens often split a character's bytes: emoji, CJK, accents. */
const trickyText = fc
  .array(
    fc.constantFrom(
      "😀",
      "🤖",
      "👍🏽",
      "👨‍👩‍👧",
      "中",
      "文字",
      "。",
      "é",
      "a",
      "word ",
      " ",
      "\n",
      "<|endoftext|>",
    ),
    {
      maxLength: 60,
    },
  )
  .map((parts) => parts.join(""));

describe("TokenCounter", () => {
  it("counts special-token text as plain text instead of throwing", () => {
    for (const text of ["<|endoftext|>", "<|im_start|>system<|im_end|>", "<|fim_prefix|><|endofprompt|>"]) {
      expect(() => counter.count(text)).not.toThrow();
      expect(counter.count(text)).toBeGreaterThan(1); // plain text, not one special token
    }
  });

  it("adds the per-message framing to a message's count", () => {
    expect(counter.countMessage("hello world")).toBe(counter.count("hello world") + MESSAGE_OVERHEAD_TOKENS);
    expect(counter.countMessage("")).toBe(MESSAGE_OVERHEAD_TOKENS);
  });

  it("counts long Chinese text, unbroken or punctuated", () => {
    // Unbroken CJK is one pre-token, whose BPE cost grows quadratically: kept to 3,000 characters here.
    const unbroken = "人工智能正在改变我们的工作方式".repeat(200);
    expect(counter.count(unbroken)).toBeGreaterThan(1_000);
    expect(counter.count(unbroken)).toBeLessThan(unbroken.length);
    const punctuated = "数据库连接失败时应该如何排查问题？".repeat(2_000); // 34,000 characters
    expect(counter.count(punctuated)).toBeGreaterThan(10_000);
  });

  it("returns text that fits unchanged and nothing for a budget of zero", () => {
    expect(counter.truncate("short text", 100)).toBe("short text");
    expect(counter.truncate("short text", 0)).toBe("");
  });

  it("cuts long Chinese text to a prefix within the budget, with no broken character", () => {
    const text = "数据库连接失败时应该如何排查问题？".repeat(200);
    const cut = counter.truncate(text, 101);
    expect(text.startsWith(cut)).toBe(true);
    expect(counter.count(cut)).toBeLessThanOrEqual(101);
    expect(counter.count(cut)).toBeGreaterThan(90);
    expect(cut).not.toContain("\uFFFD");
  });

  it("cuts the same text the same way whatever was cut before", () => {
    const text = "😀🤖👍🏽".repeat(50);
    const fresh = counter.truncate(text, 3);
    counter.truncate(text, 2); // ends inside the bytes of 🤖
    expect(counter.truncate(text, 3)).toBe(fresh);
    counter.truncate("中文字".repeat(30), 1);
    expect(counter.truncate(text, 3)).toBe(fresh);
  });

  it("always cuts to a prefix that fits, without replacement characters (property)", () => {
    fc.assert(
      fc.property(trickyText, fc.integer({ min: 0, max: 40 }), (text, budget) => {
        const cut = counter.truncate(text, budget);
        expect(text.startsWith(cut)).toBe(true);
        expect(counter.count(cut)).toBeLessThanOrEqual(budget);
        expect(cut).not.toContain("\uFFFD");
      }),
      { numRuns: 300, seed: 20_26 },
    );
  });
});
