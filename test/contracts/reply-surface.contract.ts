import { describe, expect, it } from "vitest";
import { type ReplySurface, StreamingReply } from "../../src/index.ts";
import { ManualClock } from "../support/manual-clock.ts";

/** A platform surface under test, and what a person would see on the platform. */
export interface SurfaceUnderTest {
  surface: ReplySurface;
  /** The texts of the reply's messages a person sees now, in order (platform formatting removed). */
  shown(): Promise<string[]>;
  /** Write calls the platform received so far. */
  writes(): Promise<{ posts: number; edits: number; deletes: number }>;
  /** Makes the platform refuse the next edit of a message. */
  refuseNextEdit(): void;
}

export interface SurfaceFactory {
  name: string;
  /**
   * A terminal prints and cannot take back, refuse or split: the cases about deleting, refused
   * edits and further messages do not apply to it, and are skipped with this reason.
   */
  appendOnly?: string;
  /** A fresh surface on a fresh place (thread, channel); `messageLimit` as small as the platform allows. */
  create(): Promise<SurfaceUnderTest>;
}

/**
 * What every platform surface, driven by the core's one `StreamingReply`, must do. The same suite
 * runs against Slack (real WebClient, fake Web API), Discord (real discord.js, fake REST) and an
 * in-memory surface, so the throttle, the final write that always lands and the clean-up are proven
 * once for all platforms rather than re-implemented per adapter.
 */
export function replySurfaceContract(factory: SurfaceFactory): void {
  describe(`ReplySurface contract: ${factory.name}`, () => {
    const reply = (under: SurfaceUnderTest, clock: ManualClock) =>
      new StreamingReply(under.surface, { editIntervalMs: 1000, clock });

    it("writes the first words at once, then each message at most once per interval, ending on the final text", async () => {
      const under = await factory.create();
      const clock = new ManualClock();
      const streaming = reply(under, clock);
      let text = "";
      for (let step = 1; step <= 50; step++) {
        text += `word${step} `;
        streaming.append(`word${step} `);
        await streaming.settled();
        clock.advance(100);
      }
      await streaming.finish(`${text}done`);
      // 5 s of text: the first words at once, then one write a second, then the final edit.
      const writes = await under.writes();
      expect(writes.posts).toBe(1);
      expect(streaming.interimWrites).toBe(6); // the post and an edit at 1, 2, 3, 4 and 5 s
      expect(writes.edits).toBe(6);
      expect(await under.shown()).toEqual([`${text}done`]);
    });

    it("writes nothing between rounds when the clock stands still", async () => {
      const under = await factory.create();
      const clock = new ManualClock();
      const streaming = reply(under, clock);
      for (let step = 0; step < 20; step++) {
        streaming.append(`part${step} `);
        await streaming.settled();
      }
      await streaming.finish("final answer");
      expect(await under.writes()).toEqual({ posts: 1, edits: 1, deletes: 0 });
      // A terminal keeps the first words it printed; the final text follows on a line of its own.
      if (factory.appendOnly) expect(await under.shown()).toEqual(["part0 \nfinal answer"]);
      else expect(await under.shown()).toEqual(["final answer"]);
    });

    const platformOnly = it.skipIf(factory.appendOnly !== undefined);

    platformOnly(
      "lands the final text even when its edit is refused: posted anew, the stale message removed",
      async () => {
        const under = await factory.create();
        const clock = new ManualClock();
        const streaming = reply(under, clock);
        streaming.append("the start");
        await streaming.settled();
        under.refuseNextEdit();
        await streaming.finish("the whole answer");
        expect(await under.shown()).toEqual(["the whole answer"]);
        expect(await under.writes()).toMatchObject({ posts: 2, deletes: 1 });
      },
    );

    platformOnly("continues a long answer in further messages, in order, each within the limit", async () => {
      const under = await factory.create();
      const clock = new ManualClock();
      const streaming = reply(under, clock);
      const paragraphs = paragraphsFor(under.surface, 12);
      for (let count = 1; count <= paragraphs.length; count++) {
        streaming.append(`${count > 1 ? "\n\n" : ""}${paragraphs[count - 1]}`);
        await streaming.settled();
        clock.advance(1000);
      }
      await streaming.finish(paragraphs.join("\n\n"));
      const shown = await under.shown();
      expect(shown.length).toBeGreaterThan(2);
      for (const message of shown) expect(message.length).toBeLessThanOrEqual(under.surface.messageLimit);
      const joined = shown.join("\n\n");
      for (const paragraph of paragraphs) expect(joined).toContain(paragraph.trim());
      expect(joined.indexOf("Paragraph 11")).toBeGreaterThan(joined.indexOf("Paragraph 10"));
    });

    platformOnly("deletes the messages a shorter final text no longer needs", async () => {
      const under = await factory.create();
      const clock = new ManualClock();
      const streaming = reply(under, clock);
      streaming.append(paragraphsFor(under.surface, 8).join("\n\n"));
      await streaming.settled();
      expect((await under.shown()).length).toBeGreaterThan(1);
      await streaming.finish("Sorry, that went wrong.");
      expect(await under.shown()).toEqual(["Sorry, that went wrong."]);
    });

    platformOnly("takes back everything it showed when the answer must not be seen", async () => {
      const under = await factory.create();
      const clock = new ManualClock();
      const streaming = reply(under, clock);
      await streaming.showPending("…thinking");
      streaming.append("a start that nobody may see");
      await streaming.settled();
      await streaming.discard();
      streaming.append(" too late");
      clock.advance(60_000);
      await streaming.settled();
      expect(await under.shown()).toEqual([]);
    });

    it("never posts an empty message", async () => {
      const under = await factory.create();
      const streaming = reply(under, new ManualClock());
      await streaming.finish("  \n ");
      expect(await under.shown()).toEqual(["…"]);
    });
  });
}

/** Paragraphs of about a third of the surface's message limit each. */
function paragraphsFor(surface: ReplySurface, count: number): string[] {
  const words = "lorem ipsum ".repeat(Math.floor(surface.messageLimit / 36));
  return Array.from({ length: count }, (_, i) => `Paragraph ${i} ${words}`);
}
