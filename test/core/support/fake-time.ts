import { type MockInstance, vi } from "vitest";

// lru-cache captures the global `performance` object when it is first imported, and vitest's fake
// timers swap in a different object: TTLs would keep running on real time. Driving the captured
// object's `now` from the faked Date keeps every lru-cache TTL on the fake clock.
const capturedPerformance = globalThis.performance;
let performanceSpy: MockInstance<() => number> | undefined;

/** vi fake timers that lru-cache TTLs (answer cache, history, dedupe) follow too. */
export function useFakeTime(): void {
  vi.useFakeTimers();
  const origin = capturedPerformance.now();
  const start = Date.now();
  performanceSpy = vi
    .spyOn(capturedPerformance, "now")
    .mockImplementation(() => origin + (Date.now() - start));
}

export function useRealTime(): void {
  performanceSpy?.mockRestore();
  performanceSpy = undefined;
  vi.useRealTimers();
}

/** Moves fake time forward, running due timers and the promise callbacks they trigger. */
export async function advanceTime(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}
