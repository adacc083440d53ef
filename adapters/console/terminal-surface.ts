import type { Writable } from "node:stream";
import type { ReplySurface } from "../../src/index.ts";

/**
 * An answer in a terminal: printed as it streams. Nothing printed can be taken back, so each write
 * prints what the one before did not; a text that does not continue it (an error replacing a
 * streamed start) is printed on a line of its own.
 */
export class TerminalSurface implements ReplySurface {
  /** A terminal has no message limit; one message holds any answer. */
  readonly messageLimit = 1_000_000;
  readonly pending = "none";
  readonly appendOnly = true;
  private printed = "";

  constructor(private readonly output: Writable) {}

  async post(_index: number, content: string): Promise<string> {
    this.print(content);
    return "terminal";
  }

  async edit(_index: number, _id: string, content: string): Promise<void> {
    this.print(content);
  }

  /** What was printed stays: a discarded answer simply prints nothing more. */
  async delete(): Promise<void> {}

  /** Ends the answer's line. */
  close(): void {
    if (this.printed !== "") this.output.write("\n");
  }

  private print(content: string): void {
    if (content.startsWith(this.printed)) this.output.write(content.slice(this.printed.length));
    else this.output.write(`${this.printed ? "\n" : ""}${content}`);
    this.printed = content;
  }
}
