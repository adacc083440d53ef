import { MIN_SPLIT_LIMIT, PartRenderer } from "../../src/index.ts";
import { markdownToMrkdwn } from "./mrkdwn.ts";

/**
 * Characters per posted message. Slack truncates `text` at 40,000 but advises at most 4,000 for
 * readability, and converting a part costs time that grows with its length.
 */
export const DEFAULT_PART_LIMIT = 4_000;

/** Escaping can grow text fivefold (`&` -> `&amp;`); below this a part could not make progress. */
export const MIN_PART_LIMIT = MIN_SPLIT_LIMIT * 10;

/** The core's renderer with Slack's formatting: Markdown split first, each part converted to mrkdwn. */
export function slackPartRenderer(limit = DEFAULT_PART_LIMIT): PartRenderer {
  if (!Number.isInteger(limit) || limit < MIN_PART_LIMIT) {
    throw new RangeError(`part limit must be an integer >= ${MIN_PART_LIMIT}, got ${limit}`);
  }
  return new PartRenderer(limit, markdownToMrkdwn);
}

/** A complete answer as Slack messages, in order; never empty. */
export function renderAnswerParts(markdown: string, limit = DEFAULT_PART_LIMIT): string[] {
  return slackPartRenderer(limit).final(markdown);
}
