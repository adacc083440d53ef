import { countTokens, setMergeCacheSize } from "gpt-tokenizer";

// The tokenizer's module-wide merge cache defaults to 100,000 chunks, and a chunk can pin a long old
// message: tens of MiB that outlive the history caps. A small cache keeps the hot chunks.
setMergeCacheSize(5000);

/** Special-token text is counted as ordinary text: user input must never crash the counter. */
const asPlainText = { disallowedSpecial: new Set<string>() } as const;

/** Every message costs a few tokens of framing on top of its content (OpenAI's chat format). */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * BPE merging is quadratic in the length of one unbroken piece (a long run of Chinese characters
 * without punctuation takes seconds at 40k characters). Counting in slices of this many code points
 * keeps it linear; a slice boundary can only add a token, so the sum never undercounts.
 */
const SLICE = 800;

/** Token counts with o200k_base, the encoding of current OpenAI models; close enough for others. */
export class TokenCounter {
  count(text: string): number {
    if (text.length <= SLICE) return countTokens(text, asPlainText);
    const points = Array.from(text);
    let total = 0;
    for (let i = 0; i < points.length; i += SLICE) {
      total += countTokens(points.slice(i, i + SLICE).join(""), asPlainText);
    }
    return total;
  }

  countMessage(content: string): number {
    return this.count(content) + MESSAGE_OVERHEAD_TOKENS;
  }

  /**
   * The longest prefix of `text`, cut between code points, that counts at most `maxTokens`.
   * Whole slices are taken while they fit, then a binary search runs inside the slice that does not,
   * so a 100,000-character question costs about two counts of itself, not a count per search step.
   * (Decoding a token slice instead could split a character.)
   */
  truncate(text: string, maxTokens: number): string {
    if (maxTokens <= 0) return "";
    const points = Array.from(text);
    let kept = 0;
    let used = 0;
    for (; kept < points.length; kept += SLICE) {
      const slice = points.slice(kept, kept + SLICE).join("");
      const cost = this.count(slice);
      if (used + cost > maxTokens) break;
      used += cost;
    }
    if (kept >= points.length) return text;
    const slice = points.slice(kept, kept + SLICE);
    let fits = 0;
    let tooLong = slice.length;
    while (tooLong - fits > 1) {
      const middle = Math.floor((fits + tooLong) / 2);
      if (used + this.count(slice.slice(0, middle).join("")) <= maxTokens) fits = middle;
      else tooLong = middle;
    }
    return points.slice(0, kept + fits).join("");
  }
}
