import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StreamingReply } from "../../src/index.ts";
import { joinSplitMessage } from "../../src/text/split-message.ts";
import { RecordingSurface } from "../support/recording-surface.ts";

describe("StreamingReply", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("types until the first text, then writes each message at most once per interval", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000, typingIntervalMs: 8000 });
    await reply.showPending("…thinking");
    await vi.advanceTimersByTimeAsync(20_000); // a slow first token: typing is refreshed
    const typingBeforeText = surface.operations.filter((op) => op.kind === "typing").length;
    expect(typingBeforeText).toBe(3); // at 0 s, 8 s and 16 s

    let expected = "";
    for (let i = 0; i < 50; i++) {
      const delta = `word${i} `;
      expected += delta;
      reply.append(delta);
      await vi.advanceTimersByTimeAsync(100); // 50 deltas over 5 seconds
    }
    const ids = await reply.finish(expected.trim());

    expect(surface.operations.filter((op) => op.kind === "typing")).toHaveLength(typingBeforeText);
    const writes = surface.writes(0);
    expect(writes[0]?.kind).toBe("post");
    // 5 s of streaming at one write per second: the post, at most 5 timed edits, and the final edit.
    expect(writes.length).toBeGreaterThanOrEqual(4);
    expect(writes.length).toBeLessThanOrEqual(7);
    const streamingWrites = writes.slice(0, -1);
    for (let i = 1; i < streamingWrites.length; i++) {
      const gap = (streamingWrites[i]?.at ?? 0) - (streamingWrites[i - 1]?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual(1000);
    }
    expect(ids).toHaveLength(1);
    expect(surface.shown.get(ids[0] ?? "")).toBe(expected.trim());
  });

  it("lands a pending edit after the interval even if no more text arrives", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000 });
    reply.append("Hello");
    await vi.advanceTimersByTimeAsync(10);
    reply.append(", world");
    await vi.advanceTimersByTimeAsync(10);
    expect(surface.writes(0)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(surface.writes(0).map((op) => op.kind === "edit" && op.content)).toEqual([false, "Hello, world"]);
    await reply.finish("Hello, world");
    expect(surface.writes(0)).toHaveLength(2); // nothing left to change
  });

  it("splits a long answer over several messages that join back to the answer", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000 });
    const code = Array.from({ length: 120 }, (_, i) => `print("line ${i} of the example")`).join("\n");
    const answer = `Intro paragraph.\n\n\`\`\`python\n${code}\n\`\`\`\n\n${"Closing words. ".repeat(150)}`;
    for (let at = 0; at < answer.length; at += 250) {
      reply.append(answer.slice(at, at + 250));
      await vi.advanceTimersByTimeAsync(50);
    }
    const ids = await reply.finish(answer);
    const shown = ids.map((id) => surface.shown.get(id) ?? "");
    expect(shown.length).toBeGreaterThanOrEqual(3);
    for (const content of shown) {
      expect(content.length).toBeLessThanOrEqual(2000);
      expect((content.split("```").length - 1) % 2).toBe(0);
    }
    expect(joinSplitMessage(shown)).toBe(answer);
    // Streaming previews of later messages were posted in order, never one index before the last.
    const posts = surface.operations
      .filter((op) => op.kind === "post")
      .map((op) => op.kind === "post" && op.index);
    expect(posts).toEqual(shown.map((_, index) => index));
  });

  it("closes a code block that is still streaming", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000 });
    reply.append("```js\nconst a = 1;");
    await vi.advanceTimersByTimeAsync(10);
    expect(surface.operations[0]).toMatchObject({ kind: "post", content: "```js\nconst a = 1;\n```" });
    await reply.finish("```js\nconst a = 1;\n```\nDone.");
    expect(surface.operations.slice(1)).toEqual([
      { kind: "edit", index: 0, content: "```js\nconst a = 1;\n```\nDone.", at: expect.any(Number) },
    ]);
  });

  it("deletes preview messages the final text no longer needs", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000 });
    reply.append("x ".repeat(1500));
    await vi.advanceTimersByTimeAsync(10);
    expect(surface.operations.filter((op) => op.kind === "post")).toHaveLength(2);
    const ids = await reply.finish("The AI service is unavailable right now.");
    expect(ids).toHaveLength(1);
    expect([...surface.shown.values()]).toEqual(["The AI service is unavailable right now."]);
  });

  it("stops at the first failed write and reports it from finish", async () => {
    const surface = new RecordingSurface();
    surface.failPosts = true;
    const reply = new StreamingReply(surface, { editIntervalMs: 1000 });
    reply.append("partial");
    await vi.advanceTimersByTimeAsync(10);
    reply.append(" more");
    await expect(reply.finish("partial more")).rejects.toThrow("500");
    expect(surface.operations).toHaveLength(0);
  });

  it("shows a placeholder rather than posting empty content", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000 });
    const ids = await reply.finish("  \n ");
    expect(surface.shown.get(ids[0] ?? "")).toBe("…");
  });
});

describe("StreamingReply.discard", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("withdraws the placeholder when nothing was posted, and stops typing", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000, typingIntervalMs: 8000 });
    await reply.showPending("…thinking");
    await reply.discard();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(surface.operations.map((op) => op.kind)).toEqual(["typing", "withdraw"]);
  });

  it("deletes what a preview posted, last first, and writes nothing afterwards", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000 });
    reply.append("x ".repeat(1500)); // two messages' worth
    await vi.advanceTimersByTimeAsync(10);
    expect(surface.shown.size).toBe(2);
    reply.append(" and more text that would be edited in after a second");
    await reply.discard();
    reply.append(" too late");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(surface.operations.map((op) => `${op.kind} ${"index" in op ? op.index : ""}`)).toEqual([
      "post 0",
      "post 1",
      "delete 1",
      "delete 0",
    ]);
    expect(surface.shown.size).toBe(0);
  });
});

describe("StreamingReply message cap (ANSWER_MAX_MESSAGES)", () => {
  it("shows at most maxMessages messages, the last ending with the note, while streaming and at the end", async () => {
    const surface = new RecordingSurface("typing", 100);
    const reply = new StreamingReply(surface, { editIntervalMs: 0, maxMessages: 3, cappedNote: "(cut)" });
    const long = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${"x".repeat(60)}`).join("\n\n");
    reply.append(long);
    await reply.settled();
    expect(surface.count("post")).toBe(3);
    const ids = await reply.finish(long);
    const shown = ids.map((id) => surface.shown.get(id) ?? "");
    expect(shown).toHaveLength(3);
    expect(shown[2]?.endsWith("\n\n(cut)")).toBe(true);
    for (const message of shown) expect(message.length).toBeLessThanOrEqual(100);
    expect(surface.count("post")).toBe(3);
  });
});
