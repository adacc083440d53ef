/** A promise whose state a test can read synchronously: "is it still waiting?" without racing timers. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  readonly state: "pending" | "fulfilled" | "rejected";
  readonly value: T | undefined;
  readonly error: unknown;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked = {
    promise,
    state: "pending" as Tracked<T>["state"],
    value: undefined as T | undefined,
    error: undefined as unknown,
  };
  promise.then(
    (value) => {
      tracked.state = "fulfilled";
      tracked.value = value;
    },
    (error: unknown) => {
      tracked.state = "rejected";
      tracked.error = error;
    },
  );
  return tracked;
}
