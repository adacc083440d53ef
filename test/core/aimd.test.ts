import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../../src/llm/memory-rate-limiter.ts";
import type { RateLimitPermit } from "../../src/llm/rate-limiter.ts";
import { ManualClock, settleMicrotasks } from "../contracts/support/manual-clock.ts";
import { type Tracked, track } from "../contracts/support/track.ts";

const granted = (all: Tracked<RateLimitPermit>[]) => all.filter((t) => t.state === "fulfilled");

async function succeed(limiter: MemoryRateLimiter, permits: Tracked<RateLimitPermit>[]): Promise<void> {
  for (const permit of permits) {
    await limiter.observe({}, permit.value);
    permit.value?.release();
  }
  await settleMicrotasks();
}

describe("concurrency while the provider's limits are unknown", () => {
  it("lets four requests go first, and the rest once a response's headers tell the limits", async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter({ clock, maxConcurrency: 1024 });
    const burst = Array.from({ length: 30 }, () => track(limiter.acquire(1)));
    await settleMicrotasks();
    expect(granted(burst)).toHaveLength(4);
    await limiter.observe(
      { requests: { limit: 5_000, remaining: 4_999, resetAt: clock.now() + 12 } },
      burst[0]?.value,
    );
    await settleMicrotasks();
    expect(granted(burst)).toHaveLength(30);
    expect(limiter.stats().concurrencyLimit).toBe(1024);
  });

  it("without rate headers: doubles per round until a 429, halves on it (once per round), then adds one per round", async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter({ clock, maxConcurrency: 64 });
    const waiting = Array.from({ length: 40 }, () => track(limiter.acquire(1)));
    await settleMicrotasks();
    const round1 = granted(waiting);
    expect(round1).toHaveLength(4);
    await succeed(limiter, round1);
    expect(limiter.stats()).toMatchObject({ concurrencyLimit: 8, inFlight: 8 });
    // Three of the eight come back 429 with a 1 s cool-down: one cut, to half of what was in flight.
    for (let i = 0; i < 3; i++) await limiter.coolDown(clock.now() + 1_000);
    expect(limiter.stats().concurrencyLimit).toBe(4);
    for (const permit of granted(waiting).slice(4)) permit.value?.release();
    await clock.advance(1_000);
    expect(granted(waiting)).toHaveLength(16);
    await succeed(limiter, granted(waiting).slice(12));
    expect(limiter.stats().concurrencyLimit).toBe(5);
    expect(granted(waiting)).toHaveLength(21);
  });

  it("does not probe when a budget is configured", async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter({ clock, maxConcurrency: 1024, requestsPerMinute: 600 });
    const burst = Array.from({ length: 30 }, () => track(limiter.acquire(1)));
    await settleMicrotasks();
    expect(granted(burst)).toHaveLength(30);
  });
});
