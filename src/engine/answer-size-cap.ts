/**
 * Bounds on one answer, against endpoints that ignore `max_tokens` and stream without end. The cap
 * exists to stop a runaway endpoint, never to trim a legitimate answer: a token can be long (code,
 * URLs, runs of whitespace), so the character cap allows 16 characters per token, about four times
 * what English prose averages.
 */
export const MIN_CHARS_PER_TOKEN = 16;

/** Characters of an answer read from the model at most, given MAX_TOKENS. */
export function answerCharCap(maxTokens: number): number {
  return maxTokens * MIN_CHARS_PER_TOKEN;
}

/** Cuts a stream of deltas at a character cap: what may still be shown of each, and when to stop. */
export class AnswerSizeCap {
  private seen = 0;

  constructor(readonly maxChars: number) {}

  /** The part of `delta` within the cap; `capped` once the cap is reached (stop reading then). */
  take(delta: string): { text: string; capped: boolean } {
    const room = this.maxChars - this.seen;
    if (delta.length < room) {
      this.seen += delta.length;
      return { text: delta, capped: false };
    }
    this.seen = this.maxChars;
    return { text: delta.slice(0, Math.max(0, room)), capped: true };
  }
}
