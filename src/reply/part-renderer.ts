import { MIN_SPLIT_LIMIT, splitMessage } from "../text/split-message.ts";

/** Shown instead of an empty answer: platforms reject a message without content. */
export const EMPTY_ANSWER = "…";
/** Room for the closing fence a preview adds to a code block still being written. */
const PREVIEW_FENCE = "\n```";

/**
 * Splits an answer into the messages a surface shows: split once on the Markdown source (code fences
 * balanced per part), each part formatted for the platform, and split finer wherever formatting made
 * a part outgrow the limit (Slack's escaping can grow text fivefold).
 *
 * While an answer streams in, every part but the last is final (the splitter cuts inside the first
 * `limit` characters, which no longer change), so earlier conversions are reused and only the growing
 * tail is formatted again.
 */
export class PartRenderer {
  private previous = new Map<string, string[]>();

  constructor(
    private readonly limit: number,
    private readonly format: (markdown: string) => string = (markdown) => markdown,
  ) {
    if (!Number.isInteger(limit) || limit < MIN_SPLIT_LIMIT + PREVIEW_FENCE.length) {
      throw new RangeError(`message limit must be an integer >= ${MIN_SPLIT_LIMIT + PREVIEW_FENCE.length}`);
    }
  }

  /** The complete answer's messages; never empty. */
  final(markdown: string): string[] {
    const parts = this.render(splitMessage(markdown, this.limit));
    return parts.length > 0 ? parts : [EMPTY_ANSWER];
  }

  /**
   * The messages of a text still streaming. A code block still open is closed, so that it renders
   * as code, unless `closeOpenCode` is false (a surface that cannot change what it wrote).
   */
  preview(markdown: string, closeOpenCode = true): string[] {
    if (!closeOpenCode) return this.render(splitMessage(markdown, this.limit));
    const parts = splitMessage(markdown, this.limit - PREVIEW_FENCE.length);
    const last = parts.length - 1;
    const lastPart = parts[last];
    if (lastPart !== undefined && (lastPart.split("```").length - 1) % 2 === 1) {
      parts[last] = lastPart + PREVIEW_FENCE;
    }
    return this.render(parts);
  }

  private render(markdownParts: readonly string[]): string[] {
    const current = new Map<string, string[]>();
    const parts = markdownParts.flatMap((part) => {
      const formatted = current.get(part) ?? this.previous.get(part) ?? this.fit(part);
      current.set(part, formatted);
      return formatted;
    });
    this.previous = current;
    return parts;
  }

  private fit(markdownPart: string): string[] {
    const formatted = this.format(markdownPart);
    if (formatted.length <= this.limit) return formatted.trim() === "" ? [] : [formatted];
    const scaled = Math.floor(((markdownPart.length * this.limit) / formatted.length) * 0.9);
    const smaller = Math.max(MIN_SPLIT_LIMIT, Math.min(scaled, markdownPart.length - 1));
    // Only a formatter that grows text more than tenfold gets here: cut rather than recurse forever.
    if (smaller >= markdownPart.length) return [formatted.slice(0, this.limit)];
    return splitMessage(markdownPart, smaller).flatMap((part) => this.fit(part));
  }
}

/**
 * The parts of a rendered answer, at most `maxMessages` of them: past the limit the last part kept
 * ends with `note` instead, cut so that it stays within `partLimit`. The cap stops an endpoint that
 * ignores `max_tokens` from flooding a channel (ANSWER_MAX_MESSAGES).
 */
export function limitAnswerParts(
  parts: readonly string[],
  maxMessages: number,
  note: string,
  partLimit: number,
): string[] {
  if (parts.length <= maxMessages) return [...parts];
  const kept = parts.slice(0, Math.max(1, maxMessages));
  const last = kept.length - 1;
  const ending = `\n\n${note}`;
  kept[last] = `${(kept[last] ?? "").slice(0, Math.max(0, partLimit - ending.length))}${ending}`;
  return kept;
}
