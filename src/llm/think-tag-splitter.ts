/** What one piece of streamed content turned out to be. */
export type ContentPiece =
  | { kind: "answer"; text: string }
  | { kind: "reasoning" }
  /** Everything answered so far was reasoning after all (a stream that began inside `<think>`). */
  | { kind: "retract" };

const OPEN = "<think>";
const CLOSE = "</think>";

/**
 * Separates `<think>…</think>` reasoning from the answer in `delta.content`, as servers without a
 * reasoning parser send it (vLLM, Ollama, Groq's `raw` format). Tags may be split across chunks. A
 * stream may also start inside the block without the opening tag (chat templates that put `<think>`
 * into the prompt): its first `</think>` turns everything before it into reasoning.
 *
 * Only the start of an answer is looked at: once real answer text has passed, an answer that talks
 * about `<think>` tags keeps them.
 */
export class ThinkTagSplitter {
  private inside = false;
  private sawOpen = false;
  /** True once the answer has non-blank text after any reasoning: tags are no longer looked for. */
  private settled = false;
  /** A possible tag cut at a chunk boundary, held until the next chunk decides. */
  private pending = "";
  /** Answer text held back until it has non-blank content (leading blanks are never shown). */
  private blank = "";
  /** Answer text emitted while a closing tag without an opener could still retract it. */
  private answeredBeforeClose = false;

  push(text: string): ContentPiece[] {
    const pieces: ContentPiece[] = [];
    let rest = this.pending + text;
    this.pending = "";
    while (rest) {
      if (this.inside) {
        const close = rest.indexOf(CLOSE);
        if (close >= 0) {
          pieces.push({ kind: "reasoning" });
          this.inside = false;
          rest = rest.slice(close + CLOSE.length);
          continue;
        }
        this.pending = partialTagAtEnd(rest, [CLOSE]);
        if (rest.length > this.pending.length) pieces.push({ kind: "reasoning" });
        return pieces;
      }
      if (this.settled) {
        this.answer(rest, pieces);
        return pieces;
      }
      const open = this.sawOpen ? -1 : rest.indexOf(OPEN);
      const close = this.sawOpen ? -1 : rest.indexOf(CLOSE);
      if (close >= 0 && (open < 0 || close < open)) {
        // Reasoning that began before the stream did: nothing before this tag was the answer.
        this.sawOpen = true;
        if (this.answeredBeforeClose) pieces.push({ kind: "retract" });
        else pieces.push({ kind: "reasoning" });
        this.answeredBeforeClose = false;
        this.blank = "";
        rest = rest.slice(close + CLOSE.length);
        continue;
      }
      if (open >= 0 && rest.slice(0, open).trim() === "" && !this.answeredBeforeClose) {
        this.sawOpen = true;
        this.inside = true;
        this.blank = "";
        pieces.push({ kind: "reasoning" });
        rest = rest.slice(open + OPEN.length);
        continue;
      }
      if (open >= 0) {
        // An opening tag after answer text: the answer talks about tags; it is no reasoning block.
        this.settled = true;
        this.answer(rest, pieces);
        return pieces;
      }
      const tags = this.sawOpen ? [] : [OPEN, CLOSE];
      this.pending = partialTagAtEnd(rest, tags);
      this.answer(rest.slice(0, rest.length - this.pending.length), pieces);
      return pieces;
    }
    return pieces;
  }

  /** The end of the stream: a held partial tag was text after all. */
  finish(): ContentPiece[] {
    const pieces: ContentPiece[] = [];
    const rest = this.pending;
    this.pending = "";
    if (rest && !this.inside) this.answer(rest, pieces);
    return pieces;
  }

  private answer(text: string, pieces: ContentPiece[]): void {
    if (!text) return;
    const joined = this.blank + text;
    if (!this.answeredBeforeClose && !this.settled && joined.trim() === "") {
      this.blank = joined;
      return;
    }
    this.blank = "";
    const shown = this.answeredBeforeClose || this.settled ? joined : joined.replace(/^\s+/, "");
    // After an opening tag was seen and closed, the answer is settled; before, a late `</think>`
    // could still turn it into reasoning.
    if (this.sawOpen) this.settled = true;
    else this.answeredBeforeClose = true;
    pieces.push({ kind: "answer", text: shown });
  }
}

/** The longest suffix of `text` that is a proper prefix of one of `tags`. */
function partialTagAtEnd(text: string, tags: string[]): string {
  let longest = "";
  for (const tag of tags) {
    for (let length = Math.min(tag.length - 1, text.length); length > longest.length; length--) {
      if (text.endsWith(tag.slice(0, length))) {
        longest = text.slice(text.length - length);
        break;
      }
    }
  }
  return longest;
}
