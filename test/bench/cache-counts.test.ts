import { describe, expect, it } from "vitest";
import { runCacheWorkload } from "../../bench/cache/measure.ts";
import { cacheWorkload } from "../../bench/cache/workload.ts";

/** The cache benchmark's workload, asserted on its counts (the benchmark adds timings on top). */
describe("cache scenario counts", () => {
  const workload = cacheWorkload(1000, 50);

  it("the workload asks every one of the 50 distinct questions, Zipf-skewed", () => {
    expect(workload.sequence).toHaveLength(1000);
    expect(new Set(workload.sequence).size).toBe(50);
    const most = workload.sequence.filter((index) => index === 0).length;
    const least = workload.sequence.filter((index) => index === 49).length;
    expect(most).toBeGreaterThan(10 * least);
  });

  it("1,000 questions over 50 distinct ones make exactly 50 upstream calls with the cache on", async () => {
    const run = await runCacheWorkload(workload, { inFlight: 20, chunks: 2, chunkDelayMs: 0 }, true);
    expect(run.upstreamCalls).toBe(50);
    expect(run.misses).toBe(50);
    expect(run.hits + run.coalesced).toBe(950);
    expect(run.failed).toBe(0);
    expect(run.savedTokens).toBeGreaterThan(0);
  });

  it("with the cache off every question makes its own call, the baseline they are compared with", async () => {
    const run = await runCacheWorkload(
      cacheWorkload(200, 50),
      { inFlight: 20, chunks: 2, chunkDelayMs: 0 },
      false,
    );
    expect(run.upstreamCalls).toBe(200);
    expect(run.hits + run.coalesced).toBe(0);
    expect(run.failed).toBe(0);
  });
});
