import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DISCORD_MESSAGE_LIMIT } from "../../adapters/discord/surfaces.ts";
import { type ReplySurface, StreamingReply } from "../../src/index.ts";
import { splitMessage } from "../../src/text/split-message.ts";
import { fencesBalanced } from "../discord/expectations.ts";

/** A Discord reply surface in memory: records every write, as the fake platform would receive it. */
class RecordingSurface implements ReplySurface {
  readonly messageLimit = DISCORD_MESSAGE_LIMIT;
  readonly pending = "typing";
  readonly writes: string[] = [];
  readonly messages = new Map<string, string>();
  private next = 0;

  async showTyping(): Promise<void> {}

  async post(_index: number, content: string): Promise<string> {
    this.writes.push(content);
    const id = String(this.next++);
    this.messages.set(id, content);
    return id;
  }

  async edit(_index: number, messageId: string, content: string): Promise<void> {
    this.writes.push(content);
    this.messages.set(messageId, content);
  }

  async delete(_index: number, messageId: string): Promise<void> {
    this.messages.delete(messageId);
  }
}

/** Model output: prose, code blocks (closed or not), long lines, mentions, Chinese and emoji. */
const piece = fc.oneof(
  fc.constantFrom("```", "```js\n", "\n```\n", "\n\n", "\n", " ", "@everyone ", "<@&123> ", "数据结构", "🙂"),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[a-z ]{100,900}$/),
);
const answer = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(""));
/** How the stream cut the answer into deltas: cut points as fractions of its length. */
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

function deltas(text: string, fractions: number[]): string[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const point of [...points, text.length]) {
    out.push(text.slice(from, point));
    from = point;
  }
  return out;
}

/** Lets `ticks` microtasks run: the window between a render's end and its bookkeeping. */
async function microtasks(ticks: number): Promise<void> {
  for (let i = 0; i < ticks; i++) await Promise.resolve();
}

describe("Streaming reply on a Discord-sized surface", () => {
  it("the final text lands even when it follows a throttled delta by a microtask or two", async () => {
    const shown: string[][] = [];
    for (let ticks = 0; ticks < 4; ticks++) {
      const surface = new RecordingSurface();
      const reply = new StreamingReply(surface, { editIntervalMs: 1000 });
      reply.append("Hello");
      await new Promise((resolve) => setImmediate(resolve)); // the preview "Hello" is posted
      reply.append(" world"); // too soon to edit: the render does nothing and ends
      await microtasks(ticks);
      const ids = await reply.finish("Hello world");
      shown.push(ids.map((id) => surface.messages.get(id) ?? ""));
    }
    expect(shown).toEqual([["Hello world"], ["Hello world"], ["Hello world"], ["Hello world"]]);
  });

  it("property: every write fits a Discord message, and the final messages are the whole answer", async () => {
    await fc.assert(
      fc.asyncProperty(answer, cuts, async (text, fractions) => {
        const surface = new RecordingSurface();
        const reply = new StreamingReply(surface, { editIntervalMs: 0 });
        for (const delta of deltas(text, fractions)) {
          reply.append(delta);
          await Promise.resolve();
        }
        const ids = await reply.finish(text);
        for (const write of surface.writes) {
          expect(write.length).toBeLessThanOrEqual(DISCORD_MESSAGE_LIMIT);
          expect(write.trim()).not.toBe("");
        }
        const shown = ids.map((id) => surface.messages.get(id) ?? "");
        const expected = splitMessage(text, DISCORD_MESSAGE_LIMIT).filter((part) => part.trim() !== "");
        expect(shown).toEqual(expected.length > 0 ? expected : ["…"]);
        expect(surface.messages.size).toBe(shown.length); // no stale preview left behind
        if (fencesBalanced(text)) for (const part of shown) expect(fencesBalanced(part)).toBe(true);
      }),
      // A blank answer is the case the bug above shows on: always try it first.
      { numRuns: 150, examples: [["\n", []]] },
    );
  });
});
