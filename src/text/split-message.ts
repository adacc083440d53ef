/**
 * Splits long text into chat messages of at most `limit` characters, for any platform.
 *
 * Boundaries are tried in order: paragraph ("\n\n"), line ("\n"), word (" "), then a hard split.
 * A split inside a ``` code block closes the block at the end of the part ("\n```") and reopens it
 * with the same language at the start of the next ("```lang\n"), so every part renders on its own.
 * Those added lines are the only change: `joinSplitMessage(splitMessage(text, n)) === text`.
 *
 * Fences follow Discord/Slack tokenization: every non-overlapping "```" toggles a code block, wherever
 * it appears; the language is the word right after an opening fence when a newline follows it.
 */

const FENCE = "```";
/** Appended to a part that ends inside a code block. */
const CLOSING_SUFFIX = `\n${FENCE}`;
/** Languages longer than this are not carried over, so the reopening line stays small. */
const MAX_LANGUAGE_LENGTH = 20;
const LANGUAGE = new RegExp(`^([A-Za-z0-9_+.#-]{1,${MAX_LANGUAGE_LENGTH}})\\n`);
/** Room for the largest reopening line plus the closing suffix, plus progress for the content. */
export const MIN_SPLIT_LIMIT = 40;

/** `null` outside a code block; the language (possibly "") of the open block inside one. */
export type FenceState = string | null;

/** The language of a block opened by the fence at `fenceIndex` in `text`. */
function languageAt(text: string, fenceIndex: number): string {
  return LANGUAGE.exec(text.slice(fenceIndex + FENCE.length))?.[1] ?? "";
}

/** Fence state after reading `text.slice(from, to)` starting in `state`. */
function scanFences(text: string, from: number, to: number, state: FenceState): FenceState {
  let current = state;
  let index = text.indexOf(FENCE, from);
  while (index !== -1 && index + FENCE.length <= to) {
    current = current === null ? languageAt(text, index) : null;
    index = text.indexOf(FENCE, index + FENCE.length);
  }
  return current;
}

/** The line that reopens a block in the next part. */
function reopeningLine(language: string): string {
  return `${FENCE}${language}\n`;
}

/**
 * Where a backtick run containing `cut` starts, when `cut` falls inside one. Tokens in a run start at
 * the run's first backtick, so a cut is safe only at a multiple of three from there.
 */
function alignToFenceTokens(text: string, cut: number): number {
  if (text[cut - 1] !== "`" || text[cut] !== "`") return cut;
  let runStart = cut - 1;
  while (runStart > 0 && text[runStart - 1] === "`") runStart--;
  return runStart + Math.floor((cut - runStart) / FENCE.length) * FENCE.length;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A position in `text.slice(start, start + budget)` to cut after, preferring natural boundaries. */
function chooseCut(text: string, start: number, budget: number): number {
  const end = start + budget;
  const window = text.slice(start, end);
  const half = Math.floor(budget / 2);
  // A late boundary of a weaker kind beats an early one of a stronger kind: parts stay large.
  for (const minimum of [half, 1]) {
    for (const separator of ["\n\n", "\n", " "]) {
      const found = window.lastIndexOf(separator);
      if (found >= minimum) return start + found + separator.length;
    }
  }
  let cut = end;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
  cut = alignToFenceTokens(text, cut);
  // A part must not end in "\n```" of its own: that is how an added closing line looks.
  if (text.slice(start, cut).endsWith(CLOSING_SUFFIX)) cut -= FENCE.length;
  return cut;
}

export function splitMessage(text: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < MIN_SPLIT_LIMIT) {
    throw new RangeError(`splitMessage: limit must be an integer >= ${MIN_SPLIT_LIMIT}, got ${limit}`);
  }
  const parts: string[] = [];
  let start = 0;
  let state: FenceState = null;
  while (start < text.length) {
    const prefix = state === null ? "" : reopeningLine(state);
    if (prefix.length + text.length - start <= limit) {
      parts.push(prefix + text.slice(start));
      break;
    }
    const cut = chooseCut(text, start, limit - prefix.length - CLOSING_SUFFIX.length);
    const after = scanFences(text, start, cut, state);
    parts.push(prefix + text.slice(start, cut) + (after === null ? "" : CLOSING_SUFFIX));
    start = cut;
    state = after;
  }
  return parts;
}

/** Any reopening line `splitMessage` adds: the language ends at the first newline. */
const REOPENING_LINE = new RegExp(`^${FENCE}[A-Za-z0-9_+.#-]{0,${MAX_LANGUAGE_LENGTH}}\\n`);

/** Number of fence tokens in `text`, counted as `scanFences` does. */
function countFences(text: string): number {
  return text.split(FENCE).length - 1;
}

/**
 * The inverse of `splitMessage`: removes the added closing and reopening lines and concatenates.
 * Used by tests and by anyone who needs the original text back from sent parts.
 */
export function joinSplitMessage(parts: readonly string[]): string {
  let joined = "";
  let insideBlock = false;
  parts.forEach((part, index) => {
    let body = part;
    if (insideBlock) {
      const opening = REOPENING_LINE.exec(body);
      if (!opening) throw new Error(`part ${index} does not reopen its code block`);
      body = body.slice(opening[0].length);
    }
    const isLast = index === parts.length - 1;
    if (!isLast && body.endsWith(CLOSING_SUFFIX)) body = body.slice(0, -CLOSING_SUFFIX.length);
    joined += body;
    if (countFences(body) % 2 === 1) insideBlock = !insideBlock;
  });
  return joined;
}
