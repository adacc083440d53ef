import { describe, expect, it } from "vitest";
import { MemoryAnswerCache } from "../../src/cache/memory-answer-cache.ts";
import { type HistoryPair, MemoryHistoryStore, pairBytes } from "../../src/conversation/history-store.ts";

const MB = 1024 * 1024;

/** A 40,000-character Slack question (its limit) as the window keeps it, and a short answer. */
function longPair(thread: number, turn: number): HistoryPair {
  const user = `${thread}:${turn} ${"q".repeat(40_000)}`.slice(0, 40_000);
  return {
    user,
    assistant: `answer ${thread}:${turn} ${"a".repeat(1_200)}`,
    userTokens: 5_000,
    assistantTokens: 300,
  };
}

describe("memory by size, not only by count (#10)", () => {
  it("keeps no more of a conversation than a window can ever send", async () => {
    const store = new MemoryHistoryStore({
      maxConversations: 10,
      ttlMs: 60_000,
      maxPairsPerConversation: 10,
      maxTokensPerConversation: 6_976, // HISTORY_MAX_TOKENS 8000 less MAX_TOKENS 1024
    });
    const pair = (turn: number): HistoryPair => ({
      user: `question ${turn}`,
      assistant: `answer ${turn}`,
      userTokens: 2_000,
      assistantTokens: 1_000,
    });
    for (let turn = 1; turn <= 10; turn += 1) await store.append("t", pair(turn));
    // 3,000 tokens a pair: two fit in 6,976, the third never could.
    expect((await store.read("t", 100)).map((p) => p.user)).toEqual(["question 9", "question 10"]);
  });

  it("1,000 threads × 10 turns of 40,000-character questions stay within the byte bound", async () => {
    const maxBytes = 64 * MB;
    const store = new MemoryHistoryStore({
      maxConversations: 10_000,
      ttlMs: 3_600_000,
      maxPairsPerConversation: 10,
      maxTokensPerConversation: 6_976,
      maxBytes,
    });
    for (let turn = 1; turn <= 10; turn += 1) {
      for (let thread = 0; thread < 1_000; thread += 1)
        await store.append(`t${thread}`, longPair(thread, turn));
    }
    expect(store.bytes).toBeLessThanOrEqual(maxBytes);
    // One pair of 5,300 tokens fits a window; the newest conversations are the ones kept.
    const newest = await store.read("t999", 100);
    expect(newest.map((p) => p.user.slice(0, 7))).toEqual(["999:10 "]);
    const kept = Math.floor(maxBytes / pairBytes(longPair(0, 0)));
    expect(store.size).toBeLessThanOrEqual(kept);
    expect(store.size).toBeGreaterThan(kept * 0.9);
    expect(await store.read("t0", 100)).toEqual([]);
  });

  it("bounds the answer cache by size as well as entries", async () => {
    const cache = new MemoryAnswerCache({ maxEntries: 1_000, ttlMs: 60_000, maxBytes: 1 * MB });
    for (let i = 0; i < 100; i += 1) {
      const text = `${i} ${"x".repeat(40_000)}`;
      await cache.resolve(`k${i}`, async () => ({ text, usage: undefined, finishReason: "stop" }));
    }
    expect(cache.bytes).toBeLessThanOrEqual(1 * MB);
    expect(cache.size).toBeLessThan(14);
    expect(cache.size).toBeGreaterThan(0);
  });
});
