import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/llm/clock.ts";
import { MemoryRateLimiter } from "../../src/llm/memory-rate-limiter.ts";
import { readSnapshot } from "../../src/llm/rate-limit-headers.ts";
import { QuotaWaitTooLong, type RateLimitPermit } from "../../src/llm/rate-limiter.ts";
import { TokenBucket } from "../../src/llm/token-bucket.ts";
import { type Tracked, track } from "../contracts/support/track.ts";
import { advanceTime, useFakeTime, useRealTime } from "./support/fake-time.ts";

// The limiter on the real system clock, driven by vi fake timers (the contract suite covers the rest
// of its behaviour on a manual clock).
const limiter = (
  options: { maxConcurrency?: number; requestsPerMinute?: number; tokensPerMinute?: number } = {},
) => new MemoryRateLimiter({ clock: systemClock, maxConcurrency: 4, ...options });

const granted = (t: Tracked<RateLimitPermit>) => {
  if (!t.value) throw new Error(`not granted: ${t.state}`);
  return t.value;
};

describe("MemoryRateLimiter on fake timers", () => {
  beforeEach(useFakeTime);
  afterEach(useRealTime);

  it("caps concurrency and hands a freed slot to the longest waiter", async () => {
    const limits = limiter({ maxConcurrency: 2 });
    const requests = Array.from({ length: 5 }, () => track(limits.acquire(10)));
    await advanceTime(0);
    expect(requests.map((r) => r.state)).toEqual(["fulfilled", "fulfilled", "pending", "pending", "pending"]);
    expect(limits.stats()).toMatchObject({ inFlight: 2, queued: 3, coolDownMs: 0 });
    granted(requests[0] as Tracked<RateLimitPermit>).release();
    await advanceTime(0);
    expect(requests.map((r) => r.state)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "pending",
      "pending",
    ]);
  });

  it("pauses every queued request during a cool-down, then lets them all go", async () => {
    const limits = limiter({ maxConcurrency: 10, requestsPerMinute: 1_000 });
    await limits.coolDown(Date.now() + 20_000);
    const queued = Array.from({ length: 6 }, () => track(limits.acquire(10)));
    await advanceTime(19_999);
    expect(queued.every((r) => r.state === "pending")).toBe(true);
    expect(limits.stats().queued).toBe(6);
    await advanceTime(1);
    expect(queued.every((r) => r.state === "fulfilled")).toBe(true);
    expect(limits.stats().coolDownMs).toBe(20_000);
  });

  it("adds up cool-down time without counting overlaps twice", async () => {
    const limits = limiter();
    const start = Date.now();
    await limits.coolDown(start + 5_000);
    await limits.coolDown(start + 8_000); // overlaps: 3 s more
    await limits.coolDown(start + 2_000); // inside: nothing
    expect(limits.stats().coolDownMs).toBe(8_000);
  });

  it("spreads requests over the minute with an RPM budget", async () => {
    const limits = limiter({ maxConcurrency: 100, requestsPerMinute: 6 });
    const requests = Array.from({ length: 8 }, () => track(limits.acquire(1)));
    await advanceTime(0);
    expect(requests.filter((r) => r.state === "fulfilled")).toHaveLength(6);
    await advanceTime(10_000); // one request per 10 s
    expect(requests.filter((r) => r.state === "fulfilled")).toHaveLength(7);
    await advanceTime(10_000);
    expect(requests.filter((r) => r.state === "fulfilled")).toHaveLength(8);
  });

  it("waits for a TPM budget, and a request larger than the budget waits for a full bucket only", async () => {
    const limits = limiter({ tokensPerMinute: 6_000 });
    granted(await waitFor(track(limits.acquire(6_000)))).release(6_000);
    const big = track(limits.acquire(50_000)); // larger than the whole budget
    await advanceTime(59_999);
    expect(big.state).toBe("pending");
    await advanceTime(1);
    expect(big.state).toBe("fulfilled");
  });

  it("reads `x-ratelimit-reset-requests: 17ms` as one request back every 17 ms", async () => {
    const limits = limiter({ maxConcurrency: 5_000 });
    // 3,500 a minute, one used: it comes back in 17 ms; take the rest and three more wait their turn.
    await limits.observe(
      readSnapshot(
        new Headers({
          "x-ratelimit-limit-requests": "3500",
          "x-ratelimit-remaining-requests": "3499",
          "x-ratelimit-reset-requests": "17ms",
        }),
        Date.now(),
      ),
    );
    const requests = Array.from({ length: 3_502 }, () => track(limits.acquire(1)));
    await advanceTime(0);
    expect(requests.filter((r) => r.state === "fulfilled")).toHaveLength(3_499);
    await advanceTime(18); // 60,000 / 3,500 = 17.1 ms per request
    expect(requests.filter((r) => r.state === "fulfilled")).toHaveLength(3_500);
    await advanceTime(35);
    expect(requests.filter((r) => r.state === "fulfilled")).toHaveLength(3_502);
  });

  it("keeps the lower remaining count when two responses of one window disagree", async () => {
    const limits = limiter({ maxConcurrency: 10 });
    const resetAt = Date.now() + 30_000;
    await limits.observe({ requests: { limit: 100, remaining: 1, resetAt } });
    await limits.observe({ requests: { limit: 100, remaining: 50, resetAt: resetAt + 200 } }); // an older view
    const requests = [track(limits.acquire(1)), track(limits.acquire(1))];
    await advanceTime(0);
    expect(requests.map((r) => r.state)).toEqual(["fulfilled", "pending"]);
  });

  it("has the whole learned quota back at its reset", async () => {
    const limits = limiter({ maxConcurrency: 10 });
    await limits.observe({ requests: { limit: 3, remaining: 0, resetAt: Date.now() + 1_000 } });
    await advanceTime(1_000);
    const requests = Array.from({ length: 3 }, () => track(limits.acquire(1)));
    await advanceTime(0);
    expect(requests.every((r) => r.state === "fulfilled")).toBe(true);
  });

  it("gives up at once with QuotaWaitTooLong when the reset is past the deadline", async () => {
    const limits = limiter({ maxConcurrency: 1 });
    await limits.observe(
      readSnapshot(
        new Headers({ "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "6m0s" }),
        Date.now(),
      ),
    );
    const request = track(limits.acquire(500, { deadline: Date.now() + 60_000 }));
    await advanceTime(0);
    expect(request.state).toBe("rejected");
    expect(request.error).toBeInstanceOf(QuotaWaitTooLong);
    expect((request.error as QuotaWaitTooLong).waitMs).toBe(360_000);
    expect(limits.stats()).toMatchObject({ inFlight: 0, queued: 0, coolDownMs: 0, refused: 1 });
  });
});

describe("TokenBucket", () => {
  it("starts full, refills evenly and never above capacity", () => {
    const bucket = new TokenBucket(60, 60_000, 0);
    expect(bucket.waitFor(60, 0)).toBe(0);
    bucket.take(60, 0);
    expect(bucket.waitFor(1, 0)).toBe(1_000);
    expect(bucket.waitFor(1, 1_000)).toBe(0);
    expect(bucket.waitFor(60, 10 * 60_000)).toBe(0);
    bucket.take(60, 10 * 60_000);
    expect(bucket.waitFor(60, 10 * 60_000)).toBe(60_000);
  });

  it("lets a take go into debt, which delays the next one", () => {
    const bucket = new TokenBucket(100, 60_000, 0);
    bucket.take(250, 0); // an answer that cost more than estimated
    expect(bucket.waitFor(1, 0)).toBe(Math.ceil((151 * 60_000) / 100));
  });

  it("gives refunds back up to capacity", () => {
    const bucket = new TokenBucket(100, 60_000, 0);
    bucket.take(80, 0);
    bucket.give(500, 0);
    expect(bucket.waitFor(100, 0)).toBe(0);
    bucket.take(100, 0);
    expect(bucket.waitFor(1, 0)).toBeGreaterThan(0);
  });
});

async function waitFor<T>(tracked: Tracked<T>): Promise<Tracked<T>> {
  await advanceTime(0);
  return tracked;
}
