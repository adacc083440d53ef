import { startRateLimitedOpenAI } from "../fakes/rate-limited-openai.ts";
import { seededRandom } from "../support/random.ts";
import { englishText } from "../support/text.ts";

export interface StreamShape {
  /** How long the answer streams. */
  durationMs: number;
  /** One content chunk per interval (a few tokens, as providers send them). */
  chunkIntervalMs: number;
  /** Time to the first token. */
  firstByteMs: number;
}

/** Plain prose in paragraphs: Markdown and mrkdwn leave it as it is, so the final text can be compared exactly. */
export function streamedAnswer(shape: StreamShape, seed: number): string {
  const random = seededRandom(seed);
  const chunks = Math.max(1, Math.round(shape.durationMs / shape.chunkIntervalMs));
  const paragraphs: string[] = [];
  // About three words per chunk, in sentences of 12 words and paragraphs of 5 sentences.
  const words = chunks * 3;
  for (let written = 0; written < words; written += 60) {
    const sentences = Array.from({ length: 5 }, () => {
      const sentence = englishText(random, 12);
      return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
    });
    paragraphs.push(sentences.join(" "));
  }
  return paragraphs.join("\n\n");
}

/** A fake OpenAI that streams `answer` over `durationMs` and notes when its first and last chunks left. */
export async function startStreamingUpstream(shape: StreamShape, answer: string) {
  const chunks = Math.max(1, Math.round(shape.durationMs / shape.chunkIntervalMs));
  const seen = { firstDeltaAt: Number.NaN, lastDeltaAt: Number.NaN };
  const fake = await startRateLimitedOpenAI({
    requestsPerWindow: 1_000_000,
    windowMs: 60_000,
    firstByteMs: shape.firstByteMs,
    chunks,
    chunkDelayMs: shape.chunkIntervalMs,
    answer: () => answer,
    onChunk: ({ chunkIndex, at }) => {
      if (chunkIndex === 0) seen.firstDeltaAt = at;
      seen.lastDeltaAt = at;
    },
  });
  return { fake, seen };
}
