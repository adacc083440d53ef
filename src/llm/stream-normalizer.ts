import { type ContentPiece, ThinkTagSplitter } from "./think-tag-splitter.ts";
import type { TokenUsage } from "./types.ts";
import { readUsage } from "./usage-reader.ts";

/**
 * Turns the chunks of any OpenAI-compatible provider into one stream of answer text, reasoning,
 * usage and finish reason. Reasoning arrives as `delta.reasoning_content` (DeepSeek, DashScope,
 * Moonshot, vLLM with a parser), `delta.reasoning` (Groq, OpenRouter, Ollama) or `<think>` tags in
 * the content; none of it is ever answer text.
 */
export class StreamNormalizer {
  private readonly splitter = new ThinkTagSplitter();
  usage: TokenUsage | undefined;
  finishReason: string | undefined;
  reasoned = false;

  accept(chunk: unknown): ContentPiece[] {
    // Some providers repeat a running total on every chunk: the last one seen is the total.
    const usage = readUsage(chunk);
    if (usage) this.usage = usage;
    const choice = firstChoice(chunk);
    if (!choice) return [];
    if (typeof choice.finish_reason === "string" && choice.finish_reason) {
      this.finishReason = choice.finish_reason;
    }
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const pieces: ContentPiece[] = [];
    if (nonEmpty(delta.reasoning_content) || nonEmpty(delta.reasoning)) pieces.push({ kind: "reasoning" });
    if (typeof delta.content === "string" && delta.content) pieces.push(...this.splitter.push(delta.content));
    if (pieces.some((piece) => piece.kind !== "answer")) this.reasoned = true;
    return pieces;
  }

  finish(): ContentPiece[] {
    return this.splitter.finish();
  }
}

/** The choice with index 0 (the only one we ask for); providers may omit `index`. */
function firstChoice(chunk: unknown): Record<string, unknown> | undefined {
  if (!isRecord(chunk) || !Array.isArray(chunk.choices)) return undefined;
  const choices = chunk.choices.filter(isRecord);
  return choices.find((choice) => choice.index === 0 || choice.index === undefined) ?? choices[0];
}

function nonEmpty(value: unknown): boolean {
  return typeof value === "string" && value.length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
