import { afterEach, describe, expect, it } from "vitest";
import type { DedupeStore } from "../../src/state/dedupe.ts";
import type { TimeControl } from "./support/time-control.ts";

export interface DedupeStoreHarness {
  /** A fresh store whose default TTL is `defaultTtlSeconds`; isolated from every other call. */
  makeStore(options: { defaultTtlSeconds: number }): Promise<DedupeStore>;
  /** Omit to skip the TTL cases. */
  time?: TimeControl;
}

/** Behaviour every DedupeStore must have: a redelivered event is handled exactly once. */
export function dedupeStoreContract(name: string, harness: DedupeStoreHarness): void {
  const make = () => harness.makeStore({ defaultTtlSeconds: 3600 });

  describe(`DedupeStore contract: ${name}`, () => {
    it("says true the first time and false for every repeat", async () => {
      const store = await make();
      expect(await store.firstSeen("Ev123")).toBe(true);
      expect(await store.firstSeen("Ev123")).toBe(false);
      expect(await store.firstSeen("Ev123")).toBe(false);
    });

    it("keeps ids apart", async () => {
      const store = await make();
      expect(await store.firstSeen("slack:Ev1")).toBe(true);
      expect(await store.firstSeen("slack:Ev2")).toBe(true);
      expect(await store.firstSeen("discord:Ev1")).toBe(true);
    });

    it("lets exactly one of many concurrent deliveries through", async () => {
      const store = await make();
      const verdicts = await Promise.all(Array.from({ length: 20 }, () => store.firstSeen("race")));
      expect(verdicts.filter(Boolean)).toHaveLength(1);
    });

    describe.skipIf(!harness.time)("time to live", () => {
      afterEach(() => harness.time?.stop());

      it("forgets an id after its own TTL", async () => {
        const time = harness.time as TimeControl;
        time.start();
        const store = await make();
        expect(await store.firstSeen("short", 2)).toBe(true);
        await time.advance(1_500);
        expect(await store.firstSeen("short", 2)).toBe(false);
        await time.advance(1_000);
        expect(await store.firstSeen("short", 2)).toBe(true);
      });

      it("uses the default TTL when none is given", async () => {
        const time = harness.time as TimeControl;
        time.start();
        const store = await harness.makeStore({ defaultTtlSeconds: 2 });
        expect(await store.firstSeen("default")).toBe(true);
        await time.advance(1_500);
        expect(await store.firstSeen("default")).toBe(false);
        await time.advance(1_000);
        expect(await store.firstSeen("default")).toBe(true);
      });
    });
  });
}
