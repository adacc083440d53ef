import { describe, expect, it } from "vitest";
import { AnswerSizeCap, answerCharCap } from "../../src/engine/answer-size-cap.ts";
import { limitAnswerParts } from "../../src/reply/part-renderer.ts";

describe("the size of one answer (#8)", () => {
  it("allows at least 16 characters per token of MAX_TOKENS", () => {
    expect(answerCharCap(1024)).toBe(16_384);
  });

  it("passes deltas whole until the cap, then the part within it, and says to stop", () => {
    const cap = new AnswerSizeCap(10);
    expect(cap.take("abcd")).toEqual({ text: "abcd", capped: false });
    expect(cap.take("efgh")).toEqual({ text: "efgh", capped: false });
    expect(cap.take("ijklmn")).toEqual({ text: "ij", capped: true });
    expect(cap.take("more")).toEqual({ text: "", capped: true });
  });

  it("keeps at most the allowed number of messages, the last ending with the note within the limit", () => {
    const parts = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, "0")}${"x".repeat(98)}`);
    const kept = limitAnswerParts(parts, 5, "(cut)", 100);
    expect(kept).toHaveLength(5);
    expect(kept.slice(0, 4)).toEqual(parts.slice(0, 4));
    expect(kept[4]?.endsWith("\n\n(cut)")).toBe(true);
    expect(kept[4]?.length).toBe(100);
    expect(limitAnswerParts(parts.slice(0, 3), 5, "(cut)", 100)).toEqual(parts.slice(0, 3));
  });
});
