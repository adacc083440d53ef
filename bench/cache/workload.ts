import { pick, type Random, seededRandom, shuffle, zipfSampler } from "../support/random.ts";
import { englishText } from "../support/text.ts";

export interface CacheWorkload {
  /** The distinct first-turn questions, most popular first. */
  distinct: string[];
  /** Indices into `distinct`, in arrival order; every distinct question occurs at least once. */
  sequence: number[];
  /** The text as asked: repeats vary case and spacing, which normalization must see through. */
  asked: string[];
}

/** How a person might retype the same question. */
function variant(random: Random, question: string): string {
  switch (Math.floor(random() * 4)) {
    case 0:
      return question.toLowerCase();
    case 1:
      return `  ${question.replace(/ /g, "  ")} `;
    case 2:
      return question.toUpperCase();
    default:
      return question;
  }
}

/** `total` questions over `distinctCount` first-turn questions, Zipf-distributed (exponent 1). */
export function cacheWorkload(total: number, distinctCount: number, seed = 42): CacheWorkload {
  const random = seededRandom(seed);
  const distinct = Array.from(
    { length: distinctCount },
    (_, rank) => `How do I ${englishText(random, 6)} (question ${rank})?`,
  );
  const draw = zipfSampler(random, distinctCount, 1);
  const sequence = [...distinct.keys()];
  while (sequence.length < total) sequence.push(draw());
  shuffle(random, sequence);
  const asked = sequence.map((index) => variant(random, distinct[index] ?? ""));
  return { distinct, sequence, asked };
}

export const channelsOf = (random: Random) =>
  pick(random, ["C-general", "C-help", "C-dev", "C-ops", "C-random"]);
