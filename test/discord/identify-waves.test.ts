import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { identifyWaves } from "../../adapters/discord/sharding/identify-waves.ts";

describe("identifyWaves (shards that may identify together)", () => {
  it("starts all shards in runs of max_concurrency, as Discord's buckets allow", () => {
    expect(identifyWaves([0, 1, 2, 3, 4], 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(identifyWaves([0, 1, 2], 16)).toEqual([[0, 1, 2]]);
    expect(identifyWaves([0, 1, 2], 1)).toEqual([[0], [1], [2]]);
  });

  it("never puts two shards of one bucket in a wave, for a machine's part of the shards", () => {
    expect(identifyWaves([0, 16], 16)).toEqual([[0], [16]]);
    expect(identifyWaves([8, 9, 10, 11, 24], 16)).toEqual([[8, 9, 10, 11], [24]]);
  });

  it("starts every shard exactly once, one per bucket and wave, and no more waves than needed", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(200), { minLength: 1 }),
        fc.integer({ min: 1, max: 32 }),
        (ids, c) => {
          const waves = identifyWaves(ids, c);
          expect(waves.flat().sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
          for (const wave of waves) expect(new Set(wave.map((id) => id % c)).size).toBe(wave.length);
          const perBucket = new Map<number, number>();
          for (const id of ids) perBucket.set(id % c, (perBucket.get(id % c) ?? 0) + 1);
          expect(waves).toHaveLength(Math.max(...perBucket.values()));
        },
      ),
    );
  });
});
