import type { ReplySurface } from "../../src/index.ts";

export type SurfaceOperation =
  | { kind: "typing" | "withdraw"; at: number }
  | { kind: "post" | "edit"; index: number; content: string; at: number }
  | { kind: "delete"; index: number; at: number };

/**
 * A surface that keeps what a platform would show, in memory, and records every call with the time
 * of `now()`. Posts and edits succeed unless told otherwise.
 */
export class RecordingSurface implements ReplySurface {
  readonly operations: SurfaceOperation[] = [];
  readonly shown = new Map<string, string>();
  failPosts = false;
  refuseEdits = 0;
  private nextId = 1;

  constructor(
    readonly pending: ReplySurface["pending"] = "typing",
    readonly messageLimit = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  async showTyping(): Promise<void> {
    this.operations.push({ kind: "typing", at: this.now() });
  }

  async post(index: number, content: string): Promise<string> {
    if (this.failPosts) throw new Error("500 Internal Server Error");
    this.operations.push({ kind: "post", index, content, at: this.now() });
    const id = `m${this.nextId++}`;
    this.shown.set(id, content);
    return id;
  }

  async edit(index: number, messageId: string, content: string): Promise<void> {
    if (this.refuseEdits > 0) {
      this.refuseEdits -= 1;
      throw new Error("edit refused");
    }
    this.operations.push({ kind: "edit", index, content, at: this.now() });
    this.shown.set(messageId, content);
  }

  async delete(index: number, messageId: string): Promise<void> {
    this.operations.push({ kind: "delete", index, at: this.now() });
    this.shown.delete(messageId);
  }

  async withdraw(): Promise<void> {
    this.operations.push({ kind: "withdraw", at: this.now() });
  }

  /** Posts and edits of message `index`, in order. */
  writes(index: number): SurfaceOperation[] {
    return this.operations.filter((op) => (op.kind === "post" || op.kind === "edit") && op.index === index);
  }

  count(kind: SurfaceOperation["kind"]): number {
    return this.operations.filter((op) => op.kind === kind).length;
  }
}
