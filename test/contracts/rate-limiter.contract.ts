import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/llm/clock.ts";
import {
  type AcquireOptions,
  QuotaWaitTooLong,
  type RateLimiter,
  type RateLimitPermit,
} from "../../src/llm/rate-limiter.ts";
import { ManualClock, type Settle, settleMicrotasks } from "./support/manual-clock.ts";
import { type Tracked, track } from "./support/track.ts";

export interface RateLimiterOptions {
  clock: Clock;
  maxConcurrency: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface RateLimiterHarness {
  /** A fresh limiter (its own shared state) that reads time only from `clock`. */
  makeLimiter(options: RateLimiterOptions): Promise<RateLimiter>;
  /** How long to let queued work run between steps; a networked limiter needs round trips. */
  settle?: Settle;
}

/**
 * Behaviour every RateLimiter must have: a concurrency cap, a fair queue with bounded waits, RPM/TPM
 * budgets, continuously refilled limits learned from headers, and one shared cool-down. Time is a ManualClock, so nothing really waits.
 */
export function rateLimiterContract(name: string, harness: RateLimiterHarness): void {
  const settle = harness.settle ?? settleMicrotasks;

  async function setup(options: Omit<RateLimiterOptions, "clock">) {
    const clock = new ManualClock(1_700_000_000_000, settle);
    const limiter = await harness.makeLimiter({ clock, ...options });
    const acquire = (tokens = 100, extra: AcquireOptions = {}) => track(limiter.acquire(tokens, extra));
    return { clock, limiter, acquire };
  }

  const permit = (tracked: Tracked<RateLimitPermit>): RateLimitPermit => {
    if (tracked.state !== "fulfilled" || !tracked.value)
      throw new Error(`permit not granted (${tracked.state})`);
    return tracked.value;
  };
  const states = (...all: Tracked<unknown>[]) => all.map((t) => t.state);

  describe(`RateLimiter contract: ${name}`, () => {
    it("grants up to the concurrency cap at once and queues the rest in arrival order", async () => {
      const { limiter, acquire } = await setup({ maxConcurrency: 2 });
      const [a, b, c, d] = [acquire(), acquire(), acquire(), acquire()] as const;
      await settle();
      expect(states(a, b, c, d)).toEqual(["fulfilled", "fulfilled", "pending", "pending"]);
      expect(limiter.stats()).toMatchObject({ inFlight: 2, queued: 2 });
      permit(b).release();
      await settle();
      expect(states(c, d)).toEqual(["fulfilled", "pending"]);
      permit(a).release();
      await settle();
      expect(d.state).toBe("fulfilled");
      permit(c).release();
      permit(d).release();
      await settle();
      expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    });

    it("frees one slot however often a permit is released", async () => {
      const { acquire } = await setup({ maxConcurrency: 1 });
      const a = acquire();
      const b = acquire();
      const c = acquire();
      await settle();
      permit(a).release();
      permit(a).release();
      await settle();
      expect(states(b, c)).toEqual(["fulfilled", "pending"]);
    });

    it("holds every request, new or queued, until a cool-down ends", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 5 });
      await limiter.coolDown(clock.now() + 5_000);
      const waiting = [acquire(), acquire(), acquire()];
      await clock.advance(4_999);
      expect(states(...waiting)).toEqual(["pending", "pending", "pending"]);
      await clock.advance(1);
      expect(states(...waiting)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      expect(limiter.stats().coolDownMs).toBeGreaterThanOrEqual(5_000);
    });

    it("never shortens a cool-down with a later, shorter one", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 5 });
      await limiter.coolDown(clock.now() + 5_000);
      await limiter.coolDown(clock.now() + 1_000);
      const request = acquire();
      await clock.advance(4_000);
      expect(request.state).toBe("pending");
      await clock.advance(1_000);
      expect(request.state).toBe("fulfilled");
    });

    it("extends the wait of a request that was already waiting when a cool-down starts", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 1, requestsPerMinute: 1 });
      const first = acquire();
      await settle();
      permit(first).release();
      const second = acquire(); // the RPM budget alone would let it go at 60 s
      await clock.advance(10_000);
      await limiter.coolDown(clock.now() + 120_000); // until 130 s
      await clock.advance(60_000);
      expect(second.state).toBe("pending");
      await clock.advance(60_000);
      expect(second.state).toBe("fulfilled");
    });

    it("rejects a wait longer than the deadline with QuotaWaitTooLong and keeps no slot", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 1 });
      await limiter.coolDown(clock.now() + 10_000);
      const doomed = acquire(100, { deadline: clock.now() + 5_000 });
      await settle();
      expect(doomed.state).toBe("rejected");
      expect(doomed.error).toBeInstanceOf(QuotaWaitTooLong);
      expect((doomed.error as QuotaWaitTooLong).waitMs).toBeGreaterThan(5_000);
      expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0 });
      const patient = acquire(100, { deadline: clock.now() + 20_000 });
      await clock.advance(10_000);
      expect(patient.state).toBe("fulfilled");
    });

    it("paces requests to the RPM budget", async () => {
      const { clock, acquire } = await setup({ maxConcurrency: 10, requestsPerMinute: 2 });
      const burst = [acquire(), acquire(), acquire()];
      await settle();
      expect(states(...burst)).toEqual(["fulfilled", "fulfilled", "pending"]);
      await clock.advance(29_000);
      expect(burst[2]?.state).toBe("pending");
      await clock.advance(1_000); // one request per 30 s refills
      expect(burst[2]?.state).toBe("fulfilled");
    });

    it("paces tokens to the TPM budget and refunds an overestimate on release", async () => {
      const { clock, acquire } = await setup({ maxConcurrency: 10, tokensPerMinute: 1_000 });
      const first = acquire(600);
      await settle();
      permit(first).release(100); // 500 of the 600 reserved come back
      const second = acquire(600);
      await settle();
      expect(second.state).toBe("fulfilled"); // 400 + 500 left
      const third = acquire(600); // 300 left: 300 more take 18 s at 1000 per minute
      await clock.advance(17_000);
      expect(third.state).toBe("pending");
      await clock.advance(1_000);
      expect(third.state).toBe("fulfilled");
    });

    it("refills a learned request quota continuously: 0 of 100 left, full in 6 s = one back every 60 ms", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 10 });
      await limiter.observe({ requests: { limit: 100, remaining: 0, resetAt: clock.now() + 6_000 } });
      const requests = [acquire(), acquire(), acquire()];
      await clock.advance(59);
      expect(states(...requests)).toEqual(["pending", "pending", "pending"]);
      await clock.advance(1);
      expect(states(...requests)).toEqual(["fulfilled", "pending", "pending"]);
      await clock.advance(120);
      expect(states(...requests)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    });

    it("paces a fixed-window provider by its reset: a slow refill seen, the whole window back at once", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 20 });
      const start = clock.now();
      // 1 of 10 used and 3 s to full: the refill looks slow (10 per 30 s); then the window is used up.
      await limiter.observe({ requests: { limit: 10, remaining: 9, resetAt: start + 3_000 } });
      await limiter.observe({ requests: { limit: 10, remaining: 0, resetAt: start + 2_990 } });
      const queued = Array.from({ length: 12 }, () => acquire());
      await clock.advance(2_989);
      expect(queued.filter((r) => r.state === "fulfilled")).toHaveLength(0);
      await clock.advance(1);
      expect(queued.filter((r) => r.state === "fulfilled")).toHaveLength(10);
    });

    it("lets one request go at the reported reset to fetch a fresh report, whatever was sent since", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 20 });
      await limiter.observe({ requests: { limit: 10, remaining: 10, resetAt: clock.now() + 1_000 } });
      const sent = Array.from({ length: 11 }, () => acquire());
      for (let i = 0; i < 3; i++) await settle();
      expect(sent.filter((r) => r.state === "fulfilled")).toHaveLength(10);
      await clock.advance(999);
      expect(sent[10]?.state).toBe("pending");
      await clock.advance(1);
      expect(sent[10]?.state).toBe("fulfilled");
    });

    it("after a 429 lets one request go when the server said to come back, to fetch a fresh report", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 20 });
      // All used, full in a minute: one back every 6 s, were it not for the 429's hint.
      await limiter.observe({ requests: { limit: 10, remaining: 0, resetAt: clock.now() + 60_000 } });
      await limiter.coolDown(clock.now() + 1_000);
      const next = [acquire(), acquire()];
      await clock.advance(999);
      expect(states(...next)).toEqual(["pending", "pending"]);
      await clock.advance(1);
      expect(states(...next)).toEqual(["fulfilled", "pending"]);
    });

    it("serves waiting requests round-robin by workspace, then by user", async () => {
      const { acquire } = await setup({ maxConcurrency: 1 });
      const holder = acquire();
      const of = (workspaceId: string, userId: string) => acquire(100, { fairness: { workspaceId, userId } });
      const burst = [of("A", "a1"), of("A", "a1"), of("A", "a2"), of("A", "a1")];
      const other = of("B", "b1");
      const order: string[] = [];
      const names = ["A/a1#1", "A/a1#2", "A/a2#1", "A/a1#3", "B/b1#1"];
      const all = [...burst, other];
      await settle();
      permit(holder).release();
      for (let round = 0; round < all.length; round++) {
        await settle();
        const next = all.findIndex((r, i) => r.state === "fulfilled" && !order.includes(names[i] ?? ""));
        expect(next).toBeGreaterThanOrEqual(0);
        order.push(names[next] ?? "");
        permit(all[next] as Tracked<RateLimitPermit>).release();
      }
      expect(order).toEqual(["A/a1#1", "B/b1#1", "A/a2#1", "A/a1#2", "A/a1#3"]);
    });

    it("keeps a quarter of the budget from a workspace taking more than its share while others ask", async () => {
      const { acquire } = await setup({ maxConcurrency: 100, requestsPerMinute: 20 });
      const of = (workspaceId: string) => acquire(1, { fairness: { workspaceId, userId: "u" } });
      const first = of("B");
      await settle();
      expect(first.state).toBe("fulfilled");
      // Two workspaces asking: A's share is 10 a minute. It gets 11 within its share, then takes
      // the budget down to the reserve of 5 only: 3 more, and 6 wait.
      const burst = Array.from({ length: 20 }, () => of("A"));
      // One grant after another (in Redis, a round trip each).
      for (let i = 0; i < 4; i++) await settle();
      expect(burst.filter((r) => r.state === "fulfilled")).toHaveLength(14);
      const other = of("B");
      await settle();
      expect(other.state).toBe("fulfilled");
    });

    it("refuses at once, with an estimate, a request whose place in the queue passes its deadline", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 100, requestsPerMinute: 6 });
      const first = Array.from({ length: 6 }, () => acquire(1));
      // One grant after another (in Redis, a round trip each).
      for (let i = 0; i < 3; i++) await settle();
      expect(first.every((r) => r.state === "fulfilled")).toBe(true);
      const waiting = Array.from({ length: 4 }, () => acquire(1, { deadline: clock.now() + 300_000 }));
      await settle();
      // Four ahead at one per 10 s: the fifth would go in 50 s; it may wait 45 s.
      const late = acquire(1, { deadline: clock.now() + 45_000 });
      await settle();
      expect(late.state).toBe("rejected");
      expect(late.error).toBeInstanceOf(QuotaWaitTooLong);
      expect((late.error as QuotaWaitTooLong).waitMs).toBe(50_000);
      const patient = acquire(1, { deadline: clock.now() + 50_000 });
      await clock.advance(50_000);
      expect([...waiting, patient].map((r) => r.state)).toEqual(Array(5).fill("fulfilled"));
      expect(limiter.stats()).toMatchObject({ admitted: 11, refused: 1, queued: 0 });
      // Waits of 10, 20, 30, 40 and 50 s.
      expect(limiter.stats().queueWaitMs).toBe(150_000);
    });

    it("tells a queued request at once when a cool-down pushes its turn past its deadline", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 1 });
      const holder = acquire();
      const queued = acquire(100, { deadline: clock.now() + 10_000 });
      await settle();
      await limiter.coolDown(clock.now() + 30_000);
      await settle();
      expect(queued.state).toBe("rejected");
      expect(queued.error).toBeInstanceOf(QuotaWaitTooLong);
      permit(holder).release();
    });

    it("counts learned remaining requests down locally between responses", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 10 });
      await limiter.observe({ requests: { limit: 100, remaining: 2, resetAt: clock.now() + 20_000 } });
      const requests = [acquire(), acquire(), acquire()];
      await settle();
      expect(states(...requests)).toEqual(["fulfilled", "fulfilled", "pending"]);
      await clock.advance(20_000);
      expect(requests[2]?.state).toBe("fulfilled");
    });

    it("holds a request larger than the learned remaining tokens until they have refilled", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 10 });
      // 29,500 of 30,000 used, full in 59 s: 500 tokens a second come back.
      await limiter.observe({ tokens: { limit: 30_000, remaining: 500, resetAt: clock.now() + 59_000 } });
      const big = acquire(1_000);
      await clock.advance(999);
      expect(big.state).toBe("pending");
      await clock.advance(1);
      expect(big.state).toBe("fulfilled");
    });

    it("without a limit header, holds what the report says is used up until its reset", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 10 });
      await limiter.observe({ tokens: { limit: undefined, remaining: 0, resetAt: clock.now() + 6_000 } });
      const request = acquire(500);
      await clock.advance(5_999);
      expect(request.state).toBe("pending");
      await clock.advance(1);
      expect(request.state).toBe("fulfilled");
    });

    it("rejects a queued request whose signal aborts, and the queue moves on without it", async () => {
      const { acquire } = await setup({ maxConcurrency: 1 });
      const holder = acquire();
      const controller = new AbortController();
      const aborted = acquire(100, { signal: controller.signal });
      const next = acquire();
      await settle();
      controller.abort(new Error("user went away"));
      await settle();
      expect(aborted.state).toBe("rejected");
      expect((aborted.error as Error).message).toBe("user went away");
      permit(holder).release();
      await settle();
      expect(next.state).toBe("fulfilled");
    });

    it("rejects a request aborted during a cool-down and frees its slot", async () => {
      const { clock, limiter, acquire } = await setup({ maxConcurrency: 1 });
      await limiter.coolDown(clock.now() + 5_000);
      const controller = new AbortController();
      const aborted = acquire(100, { signal: controller.signal });
      await settle();
      controller.abort(new Error("gone"));
      await settle();
      expect(aborted.state).toBe("rejected");
      await clock.advance(5_000);
      const next = acquire();
      await settle();
      expect(next.state).toBe("fulfilled");
    });

    it("rejects at once a request whose signal is already aborted, even when it would queue", async () => {
      const { acquire } = await setup({ maxConcurrency: 1 });
      acquire(); // holds the only slot
      const controller = new AbortController();
      controller.abort(new Error("already gone"));
      const late = acquire(100, { signal: controller.signal });
      await settle();
      expect(late.state).toBe("rejected");
    });
  });
}
