import { describe, expect, it } from "vitest";
import { type ContentPiece, ThinkTagSplitter } from "../../src/llm/think-tag-splitter.ts";
import { loadTranscript } from "./replay-server.ts";
import { deltaText } from "./support.ts";

/** Feeds `text` in pieces of `size` characters and returns the answer left after retractions. */
function split(text: string, size: number): { answer: string; pieces: ContentPiece[] } {
  const splitter = new ThinkTagSplitter();
  const pieces: ContentPiece[] = [];
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += size)
    pieces.push(...splitter.push(chars.slice(i, i + size).join("")));
  pieces.push(...splitter.finish());
  let answer = "";
  for (const piece of pieces) {
    if (piece.kind === "answer") answer += piece.text;
    if (piece.kind === "retract") answer = "";
  }
  return { answer, pieces };
}

const recorded = deltaText(loadTranscript("vllm/qwen3-think-in-content-stream.http"), "content");
const answer = recorded.slice(recorded.indexOf("</think>") + "</think>".length).trimStart();

describe("ThinkTagSplitter on a recorded vLLM answer, cut at every size", () => {
  for (const size of [1, 2, 3, 5, 7, 8, 13, 1000]) {
    it(`pieces of ${size}`, () => {
      expect(split(recorded, size).answer).toBe(answer);
    });
  }

  it("without the opening tag, the answer before </think> is retracted", () => {
    const opened = recorded.slice("<think>".length);
    const { answer: got, pieces } = split(opened, 4);
    expect(got).toBe(answer);
    expect(pieces.some((piece) => piece.kind === "retract")).toBe(true);
  });

  it("an answer that only talks about <think> tags keeps them", () => {
    const text = `${answer} Models write <think>…</think> around reasoning.`;
    expect(split(text, 3).answer).toBe(text);
  });

  it("a lone '<' at a chunk end is answer text once the next chunk shows it is not a tag", () => {
    expect(split("1 < 2 and 3 <4", 1).answer).toBe("1 < 2 and 3 <4");
  });
});
