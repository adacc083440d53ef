import { afterEach, describe, expect, it } from "vitest";
import { type HistoryPair, MemoryHistoryStore } from "../../src/conversation/history-store.ts";
import { advanceTime, useFakeTime, useRealTime } from "./support/fake-time.ts";

const pair = (n: number): HistoryPair => ({
  user: `q${n}`,
  assistant: `a${n}`,
  userTokens: 5,
  assistantTokens: 5,
});

const store = (options: Partial<ConstructorParameters<typeof MemoryHistoryStore>[0]> = {}) =>
  new MemoryHistoryStore({ maxConversations: 100, ttlMs: 60_000, maxPairsPerConversation: 10, ...options });

describe("MemoryHistoryStore bounds", () => {
  afterEach(useRealTime);

  it("keeps at most maxConversations, forgetting the least recently used", async () => {
    const history = store({ maxConversations: 3 });
    for (const key of ["a", "b", "c"]) await history.append(key, pair(1));
    await history.read("a", 10); // a is now the most recently used
    await history.append("d", pair(1));
    expect(history.size).toBe(3);
    expect(await history.read("b", 10)).toEqual([]);
    for (const key of ["a", "c", "d"]) expect(await history.read(key, 10)).toEqual([pair(1)]);
  });

  it("keeps at most maxPairsPerConversation pairs, dropping the oldest", async () => {
    const history = store({ maxPairsPerConversation: 3 });
    for (let n = 1; n <= 7; n++) await history.append("k", pair(n));
    expect(await history.read("k", 100)).toEqual([pair(5), pair(6), pair(7)]);
  });

  it("forgets a conversation idle for the TTL; reading or writing keeps it alive", async () => {
    useFakeTime();
    const history = store({ ttlMs: 10_000 });
    await history.append("idle", pair(1));
    await history.append("busy", pair(1));
    await advanceTime(6_000);
    await history.read("busy", 10);
    await advanceTime(6_000); // idle: 12 s since its write; busy: 6 s since its read
    expect(await history.read("idle", 10)).toEqual([]);
    expect(await history.read("busy", 10)).toEqual([pair(1)]);
    await advanceTime(6_000);
    await history.append("busy", pair(2));
    await advanceTime(9_000);
    expect(await history.read("busy", 10)).toEqual([pair(1), pair(2)]);
    await advanceTime(10_001);
    expect(await history.read("busy", 10)).toEqual([]);
  });

  it("stays bounded with many threads", async () => {
    const history = store({ maxConversations: 50 });
    for (let i = 0; i < 1_000; i++) await history.append(`thread-${i}`, pair(i));
    expect(history.size).toBe(50);
    expect(await history.read("thread-999", 10)).toEqual([pair(999)]);
  });
});
