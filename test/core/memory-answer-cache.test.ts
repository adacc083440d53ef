import { afterEach, describe, expect, it } from "vitest";
import { type CachedAnswer, isCacheable } from "../../src/cache/answer-cache.ts";
import { MemoryAnswerCache } from "../../src/cache/memory-answer-cache.ts";
import { advanceTime, useFakeTime, useRealTime } from "./support/fake-time.ts";

const answer = (text: string, finishReason: CachedAnswer["finishReason"] = "stop"): CachedAnswer => ({
  text,
  usage: undefined,
  finishReason,
});

describe("MemoryAnswerCache", () => {
  afterEach(useRealTime);

  it("holds at most maxEntries answers, evicting the least recently used", async () => {
    const cache = new MemoryAnswerCache({ maxEntries: 2, ttlMs: 60_000 });
    await cache.resolve("a", async () => answer("A"));
    await cache.resolve("b", async () => answer("B"));
    await cache.resolve("a", async () => answer("unused")); // a is now the most recently used
    await cache.resolve("c", async () => answer("C"));
    expect(cache.size).toBe(2);
    expect((await cache.resolve("b", async () => answer("B again"))).outcome).toBe("miss");
    expect((await cache.resolve("c", async () => answer("unused"))).outcome).toBe("hit");
  });

  it("expires an answer CACHE_TTL after it was stored, even if it was read since", async () => {
    useFakeTime();
    const cache = new MemoryAnswerCache({ maxEntries: 10, ttlMs: 3_600_000 });
    await cache.resolve("k", async () => answer("first"));
    await advanceTime(3_599_000);
    expect((await cache.resolve("k", async () => answer("second"))).outcome).toBe("hit");
    await advanceTime(1_001);
    const after = await cache.resolve("k", async () => answer("second"));
    expect(after).toEqual({ answer: answer("second"), outcome: "miss" });
  });

  it("leaves nothing behind for an answer it must not store", async () => {
    const cache = new MemoryAnswerCache({ maxEntries: 10, ttlMs: 60_000 });
    await cache.resolve("k", async () => answer("half", "interrupted"));
    await expect(cache.resolve("j", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(cache.size).toBe(0);
  });

  it("stores only complete, non-empty answers", () => {
    expect(isCacheable(answer("done"))).toBe(true);
    expect(isCacheable(answer(""))).toBe(false);
    for (const reason of ["length", "content_filter", "interrupted", "unknown"] as const) {
      expect(isCacheable(answer("text", reason))).toBe(false);
    }
  });
});
