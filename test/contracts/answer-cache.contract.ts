import { afterEach, describe, expect, it } from "vitest";
import type { AnswerCache, CachedAnswer, CacheOutcome } from "../../src/cache/answer-cache.ts";
import type { TimeControl } from "./support/time-control.ts";

export interface AnswerCacheHarness {
  /** A fresh, empty cache whose entries live `ttlMs`; isolated from every other call. */
  makeCache(options: { ttlMs: number }): Promise<AnswerCache>;
  /** Omit to skip the TTL cases. */
  time?: TimeControl;
}

const answer = (text: string, extra: Partial<CachedAnswer> = {}): CachedAnswer => ({
  text,
  usage: { promptTokens: 12, completionTokens: 34, reported: true },
  finishReason: "stop",
  ...extra,
});

/** A computation the test finishes by hand, so that callers can pile up on it first. */
function deferredCompute() {
  let calls = 0;
  let settle!: { resolve: (value: CachedAnswer) => void; reject: (error: unknown) => void };
  const result = new Promise<CachedAnswer>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A networked cache may call compute only after a round trip; the rejection is observed there.
  result.catch(() => {});
  return {
    compute: () => {
      calls++;
      return result;
    },
    get calls() {
      return calls;
    },
    resolve: (value: CachedAnswer) => settle.resolve(value),
    reject: (error: unknown) => settle.reject(error),
  };
}

const count = (outcomes: CacheOutcome[], which: CacheOutcome) => outcomes.filter((o) => o === which).length;

/**
 * Behaviour every AnswerCache must have: one computation per key however many ask at once, complete
 * answers reused, failures and incomplete answers never reused.
 */
export function answerCacheContract(name: string, harness: AnswerCacheHarness): void {
  const make = () => harness.makeCache({ ttlMs: 60_000 });

  describe(`AnswerCache contract: ${name}`, () => {
    it("computes on a miss and serves the stored answer on the next call", async () => {
      const cache = await make();
      let calls = 0;
      const compute = async () => {
        calls++;
        return answer("forty-two");
      };
      const first = await cache.resolve("k", compute);
      const second = await cache.resolve("k", compute);
      expect(first).toEqual({ answer: answer("forty-two"), outcome: "miss" });
      expect(second).toEqual({ answer: answer("forty-two"), outcome: "hit" });
      expect(calls).toBe(1);
      expect(cache.stats()).toEqual({ hits: 1, misses: 1, coalesced: 0 });
    });

    it("keeps keys apart", async () => {
      const cache = await make();
      await cache.resolve("a", async () => answer("for a"));
      const b = await cache.resolve("b", async () => answer("for b"));
      expect(b).toEqual({ answer: answer("for b"), outcome: "miss" });
      expect((await cache.resolve("a", async () => answer("other"))).answer.text).toBe("for a");
    });

    it("makes concurrent callers of one key share one computation", async () => {
      const cache = await make();
      const work = deferredCompute();
      const pending = Array.from({ length: 10 }, () => cache.resolve("same", work.compute));
      work.resolve(answer("shared"));
      const results = await Promise.all(pending);
      expect(work.calls).toBe(1);
      expect(results.every((r) => r.answer.text === "shared")).toBe(true);
      const outcomes = results.map((r) => r.outcome);
      expect(count(outcomes, "miss")).toBe(1);
      expect(count(outcomes, "coalesced")).toBe(9);
      expect(cache.stats()).toEqual({ hits: 0, misses: 1, coalesced: 9 });
    });

    it("runs computations of different keys independently", async () => {
      const cache = await make();
      const slow = deferredCompute();
      const slowResult = cache.resolve("slow", slow.compute);
      const fast = await cache.resolve("fast", async () => answer("quick"));
      expect(fast.outcome).toBe("miss");
      slow.resolve(answer("eventually"));
      expect((await slowResult).answer.text).toBe("eventually");
    });

    it("gives a failure to every waiting caller and never stores it", async () => {
      const cache = await make();
      const work = deferredCompute();
      const pending = Array.from({ length: 3 }, () => cache.resolve("k", work.compute));
      const failure = new Error("upstream said no");
      work.reject(failure);
      for (const result of await Promise.allSettled(pending)) {
        expect(result).toEqual({ status: "rejected", reason: failure });
      }
      expect(work.calls).toBe(1);
      let calls = 0;
      const retry = await cache.resolve("k", async () => {
        calls++;
        return answer("second try");
      });
      expect(calls).toBe(1);
      expect(retry).toEqual({ answer: answer("second try"), outcome: "miss" });
    });

    for (const [label, incomplete] of [
      ["interrupted", answer("half an ans", { finishReason: "interrupted" })],
      ["cut at the length limit", answer("a long answer that was cu", { finishReason: "length" })],
      ["filtered", answer("", { finishReason: "content_filter" })],
      ["without a finish reason", answer("maybe complete", { finishReason: "unknown" })],
      ["empty", answer("")],
    ] as const) {
      it(`returns an answer that is ${label} to its callers but never stores it`, async () => {
        const cache = await make();
        const work = deferredCompute();
        const pending = [cache.resolve("k", work.compute), cache.resolve("k", work.compute)];
        work.resolve(incomplete);
        for (const result of await Promise.all(pending)) expect(result.answer).toEqual(incomplete);
        const next = await cache.resolve("k", async () => answer("complete now"));
        expect(next).toEqual({ answer: answer("complete now"), outcome: "miss" });
        expect((await cache.resolve("k", async () => answer("unused"))).outcome).toBe("hit");
      });
    }

    describe.skipIf(!harness.time)("time to live", () => {
      afterEach(() => harness.time?.stop());

      it("serves an answer until its TTL and computes again after", async () => {
        const time = harness.time as TimeControl;
        time.start();
        const cache = await harness.makeCache({ ttlMs: 2_000 });
        await cache.resolve("k", async () => answer("old"));
        await time.advance(1_500);
        expect(await cache.resolve("k", async () => answer("new"))).toEqual({
          answer: answer("old"),
          outcome: "hit",
        });
        await time.advance(1_000);
        expect(await cache.resolve("k", async () => answer("new"))).toEqual({
          answer: answer("new"),
          outcome: "miss",
        });
      });
    });
  });
}
