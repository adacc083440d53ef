import { MIN_SPLIT_LIMIT, splitMessage } from "../../src/text/split-message.ts";
import { markdownToMrkdwn } from "./mrkdwn.ts";

/**
 * Characters per posted message. Slack truncates `text` at 40,000 but advises at most 4,000 for
 * readability, and converting a part costs time that grows with its length.
 */
export const DEFAULT_PART_LIMIT = 4_000;

/** Escaping can grow text fivefold (`&` -> `&amp;`); below this a part could not make progress. */
export const MIN_PART_LIMIT = MIN_SPLIT_LIMIT * 10;

/** Shown when the answer is empty: Slack rejects a message without text. */
const EMPTY_ANSWER = "…";

/**
 * The answer as Slack messages in order: split on the Markdown source (code fences balanced per
 * part), converted part by part, and split finer wherever escaping pushed a part over the limit.
 */
export function renderAnswerParts(markdown: string, limit = DEFAULT_PART_LIMIT): string[] {
  return new PartRenderer(limit).render(markdown);
}

/**
 * `renderAnswerParts` for a text that keeps growing. While an answer streams in, every part but the
 * last is final (the splitter cuts inside the first `limit` characters, which no longer change), so
 * the conversions of the previous call are reused and only the growing tail is converted again.
 */
export class PartRenderer {
  private previous = new Map<string, string[]>();

  constructor(private readonly limit = DEFAULT_PART_LIMIT) {
    if (!Number.isInteger(limit) || limit < MIN_PART_LIMIT) {
      throw new RangeError(`part limit must be an integer >= ${MIN_PART_LIMIT}, got ${limit}`);
    }
  }

  render(markdown: string): string[] {
    const current = new Map<string, string[]>();
    const parts = splitMessage(markdown, this.limit).flatMap((part) => {
      const converted = current.get(part) ?? this.previous.get(part) ?? fitPart(part, this.limit);
      current.set(part, converted);
      return converted;
    });
    this.previous = current;
    return parts.length > 0 ? parts : [EMPTY_ANSWER];
  }
}

function fitPart(markdownPart: string, limit: number): string[] {
  const mrkdwn = markdownToMrkdwn(markdownPart);
  if (mrkdwn.length <= limit) return mrkdwn.trim() === "" ? [] : [mrkdwn];
  const scaled = Math.floor(((markdownPart.length * limit) / mrkdwn.length) * 0.9);
  const smaller = Math.max(MIN_SPLIT_LIMIT, Math.min(scaled, markdownPart.length - 1));
  // Unreachable with limit >= MIN_PART_LIMIT; guards the recursion should the converter ever grow text more.
  if (smaller >= markdownPart.length) return [mrkdwn.slice(0, limit)];
  return splitMessage(markdownPart, smaller).flatMap((part) => fitPart(part, limit));
}
