import { countTokens, decode, encode } from "gpt-tokenizer";

/** Special-token text is counted as ordinary text: user input must never crash the counter. */
const asPlainText = { disallowedSpecial: new Set<string>() } as const;

/** Every message costs a few tokens of framing on top of its content (OpenAI's chat format). */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** Token counts with o200k_base, the encoding of current OpenAI models; close enough for others. */
export class TokenCounter {
  count(text: string): number {
    return countTokens(text, asPlainText);
  }

  countMessage(content: string): number {
    return this.count(content) + MESSAGE_OVERHEAD_TOKENS;
  }

  /** The longest prefix of `text` that fits in `maxTokens`, cut on a token boundary. */
  truncate(text: string, maxTokens: number): string {
    if (maxTokens <= 0) return "";
    const tokens = encode(text, asPlainText);
    if (tokens.length <= maxTokens) return text;
    // A cut can split a multi-byte character; drop a trailing replacement character it leaves.
    return decode(tokens.slice(0, maxTokens)).replace(/\uFFFD+$/, "");
  }
}
