/**
 * Time as a streaming reply sees it: when to write the next edit. Tests pass a manual clock (or use
 * fake timers, which the system clock picks up) to count writes without sleeping.
 */
export interface TimerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// Looked up at call time, so that fake timers installed by a test after import take effect.
export const systemTimerClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
