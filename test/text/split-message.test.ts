import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { joinSplitMessage, MIN_SPLIT_LIMIT, splitMessage } from "../../src/text/split-message.ts";

const fenceCount = (text: string) => text.split("```").length - 1;

/** Where the block still open at the end of `text` was opened, scanning fences left to right. */
function lastFenceToken(text: string): number | undefined {
  const tokens: number[] = [];
  for (let at = text.indexOf("```"); at !== -1; at = text.indexOf("```", at + 3)) tokens.push(at);
  return tokens.length % 2 === 1 ? tokens.at(-1) : undefined;
}

/** Every part except possibly the last is a closed Markdown unit; the last one too if the input is. */
function expectBalanced(parts: string[], input: string) {
  parts.forEach((part, index) => {
    const isLast = index === parts.length - 1;
    if (!isLast || fenceCount(input) % 2 === 0) expect(fenceCount(part) % 2, `part ${index}`).toBe(0);
  });
}

describe("splitMessage", () => {
  it("returns short text unchanged and nothing for empty text", () => {
    expect(splitMessage("hello", 2000)).toEqual(["hello"]);
    expect(splitMessage("", 2000)).toEqual([]);
    const exact = "x".repeat(2000);
    expect(splitMessage(exact, 2000)).toEqual([exact]);
  });

  it("prefers a paragraph break, then a line break, then a space, then a hard split", () => {
    const paragraph = `${"a".repeat(40)}\n\n${"b".repeat(10)}\n${"c".repeat(30)}`;
    expect(splitMessage(paragraph, 70)).toEqual([
      `${"a".repeat(40)}\n\n`,
      `${"b".repeat(10)}\n${"c".repeat(30)}`,
    ]);

    const lines = `${"a".repeat(30)}\n${"b".repeat(30)} ${"c".repeat(30)}`;
    expect(splitMessage(lines, 70)).toEqual([`${"a".repeat(30)}\n${"b".repeat(30)} `, "c".repeat(30)]);

    const words = `${"a".repeat(30)} ${"b".repeat(30)} ${"c".repeat(30)}`;
    expect(splitMessage(words, 70)).toEqual([`${"a".repeat(30)} ${"b".repeat(30)} `, "c".repeat(30)]);

    const solid = "x".repeat(100);
    expect(splitMessage(solid, 40)).toEqual(["x".repeat(36), "x".repeat(36), "x".repeat(28)]);
  });

  it("prefers a late line break to an early paragraph break, keeping parts large", () => {
    const text = `${"a".repeat(10)}\n\n${"b".repeat(40)}\n${"c".repeat(30)}`;
    expect(splitMessage(text, 70)).toEqual([`${"a".repeat(10)}\n\n${"b".repeat(40)}\n`, "c".repeat(30)]);
  });

  it("closes a code block at the split and reopens it with the same language", () => {
    const code = Array.from({ length: 12 }, (_, i) => `const value${i} = ${i};`).join("\n");
    const text = `Here you go:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone.`;
    const parts = splitMessage(text, 120);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(120);
    expect(parts[0]?.startsWith("Here you go:\n\n```ts\nconst value0 = 0;\n")).toBe(true);
    expect(parts[0]?.endsWith("\n```")).toBe(true);
    expect(parts[1]?.startsWith("```ts\n")).toBe(true);
    expect(parts[1]?.endsWith("\n```")).toBe(true);
    expect(parts.at(-1)?.endsWith("```\n\nDone.")).toBe(true);
    expectBalanced(parts, text);
    expect(joinSplitMessage(parts)).toBe(text);
  });

  it("reopens a block without a language as a plain fence", () => {
    const text = `\`\`\`\n${"line of code\n".repeat(10)}\`\`\``;
    const parts = splitMessage(text, 60);
    expect(parts[1]?.startsWith("```\nline")).toBe(true);
    expectBalanced(parts, text);
    expect(joinSplitMessage(parts)).toBe(text);
  });

  it("never cuts through a fence or a surrogate pair", () => {
    const emoji = "😀".repeat(40);
    const emojiParts = splitMessage(emoji, 41);
    for (const part of emojiParts) expect(part).toMatch(/^(😀)+$/);

    const backticks = "`".repeat(200);
    const parts = splitMessage(backticks, 50);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(50);
    expect(joinSplitMessage(parts)).toBe(backticks);
  });

  it("rejects limits too small to hold a reopened block", () => {
    expect(() => splitMessage("text", MIN_SPLIT_LIMIT - 1)).toThrow(RangeError);
  });
});

/** Text rich in the characters that matter: fences, languages, newlines, spaces, surrogates. */
const markdownish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "```",
        "```ts\n",
        "```python\n",
        "\n```\n",
        "```\n",
        "\n",
        "\n\n",
        " ",
        "`",
        "😀",
        "\r\n",
      ),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: "binary", maxLength: 10 }),
      fc.stringMatching(/^[a-z]{1,60}$/),
    ),
    { maxLength: 120 },
  )
  .map((pieces) => pieces.join(""));

describe("splitMessage properties", () => {
  const property = (input: string, limit: number) => {
    const parts = splitMessage(input, limit);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(limit);
      expect(part.length).toBeGreaterThan(0);
    }
    expectBalanced(parts, input);
    expect(joinSplitMessage(parts)).toBe(input);
  };

  it("keeps every part within the limit, balances fences and loses nothing", () => {
    fc.assert(fc.property(markdownish, fc.integer({ min: MIN_SPLIT_LIMIT, max: 300 }), property), {
      numRuns: 500,
    });
  });

  it("holds for arbitrary strings too", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 3000 }),
        fc.integer({ min: MIN_SPLIT_LIMIT, max: 2000 }),
        property,
      ),
      { numRuns: 200 },
    );
  });

  it("reopens each continued block with the language that opened it", () => {
    fc.assert(
      fc.property(markdownish, fc.integer({ min: MIN_SPLIT_LIMIT, max: 200 }), (input, limit) => {
        const parts = splitMessage(input, limit);
        let cut = 0;
        parts.forEach((part, index) => {
          let body = part;
          const opener = lastFenceToken(input.slice(0, cut));
          if (opener !== undefined) {
            // The language is read from the original text, which may continue past the cut.
            const language = /^([A-Za-z0-9_+.#-]{1,20})\n/.exec(input.slice(opener + 3))?.[1] ?? "";
            expect(part.startsWith(`\`\`\`${language}\n`)).toBe(true);
            body = body.slice(language.length + 4);
          }
          if (index < parts.length - 1 && body.endsWith("\n```")) body = body.slice(0, -4);
          cut += body.length;
        });
        expect(cut).toBe(input.length);
      }),
      { numRuns: 300 },
    );
  });
});
