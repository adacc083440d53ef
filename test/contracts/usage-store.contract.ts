import { describe, expect, it } from "vitest";
import { emptyTotals, type UsageStore, type UsageTotals } from "../../src/usage/usage-store.ts";

/** Every field set, so that a store that drops or mixes up a field fails. */
const delta = (): UsageTotals => {
  const totals = emptyTotals();
  const fields = Object.keys(totals) as (keyof UsageTotals)[];
  fields.forEach((field, index) => {
    totals[field] = (index + 1) * 10;
  });
  return totals;
};

const times = (totals: UsageTotals, n: number): UsageTotals => {
  const out = emptyTotals();
  for (const field of Object.keys(out) as (keyof UsageTotals)[]) out[field] = totals[field] * n;
  return out;
};

/** Behaviour every UsageStore must have: counters and boards that add up exactly, however many writers. */
export function usageStoreContract(name: string, makeStore: () => Promise<UsageStore>): void {
  describe(`UsageStore contract: ${name}`, () => {
    it("reads zero for an unknown key", async () => {
      const store = await makeStore();
      expect(await store.get("user:slack:T1:U1")).toEqual(emptyTotals());
    });

    it("adds one delta to every key given, and only to those", async () => {
      const store = await makeStore();
      await store.add(["a", "b"], delta());
      expect(await store.get("a")).toEqual(delta());
      expect(await store.get("b")).toEqual(delta());
      expect(await store.get("c")).toEqual(emptyTotals());
    });

    it("accumulates every field", async () => {
      const store = await makeStore();
      await store.add(["k"], delta());
      await store.add(["k"], { ...emptyTotals(), requests: 1, cachedAnswers: 1 });
      const expected = delta();
      expected.requests += 1;
      expected.cachedAnswers += 1;
      expect(await store.get("k")).toEqual(expected);
    });

    it("loses no increment under concurrent writers", async () => {
      const store = await makeStore();
      await Promise.all(Array.from({ length: 25 }, () => store.add(["hot", "also-hot"], delta())));
      expect(await store.get("hot")).toEqual(times(delta(), 25));
      expect(await store.get("also-hot")).toEqual(times(delta(), 25));
    });

    it("hands out copies: changing what get returned does not change the store", async () => {
      const store = await makeStore();
      await store.add(["k"], delta());
      const got = await store.get("k");
      got.requests = 1000;
      expect(await store.get("k")).toEqual(delta());
    });

    it("has an empty board for an unknown name", async () => {
      const store = await makeStore();
      expect(await store.top("board:users:slack:T1:2026-01-01", 10)).toEqual([]);
    });

    it("ranks members by their summed scores, highest first, at most `limit`", async () => {
      const store = await makeStore();
      await store.rank("b", "U1", 100);
      await store.rank("b", "U2", 300);
      await store.rank("b", "U3", 50);
      await store.rank("b", "U1", 250);
      await store.rank("other", "U9", 1_000);
      expect(await store.top("b", 2)).toEqual([
        { member: "U1", score: 350 },
        { member: "U2", score: 300 },
      ]);
      expect(await store.top("b", 10)).toHaveLength(3);
    });

    it("loses no score under concurrent ranking", async () => {
      const store = await makeStore();
      await Promise.all(Array.from({ length: 25 }, () => store.rank("b", "U1", 4)));
      expect(await store.top("b", 1)).toEqual([{ member: "U1", score: 100 }]);
    });
  });
}
