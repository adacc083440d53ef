import { describe, expect, it } from "vitest";
import { InFlightWork } from "../../src/index.ts";

describe("InFlightWork", () => {
  it("lets work finish before the deadline without aborting it", async () => {
    const work = new InFlightWork();
    let finish = () => {};
    work.run(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
      () => {},
    );
    const drained = work.drain(60_000);
    finish();
    await drained;
    expect(work.stopping.aborted).toBe(false);
  });

  it("aborts what still runs at the deadline, then waits for its short ending", async () => {
    const work = new InFlightWork();
    const endings: string[] = [];
    work.run(
      () =>
        new Promise<void>((resolve) => {
          work.stopping.addEventListener("abort", () => {
            endings.push("ended with a note");
            resolve();
          });
        }),
      () => {},
    );
    await work.drain(0);
    expect(work.stopping.aborted).toBe(true);
    expect(endings).toEqual(["ended with a note"]);
  });

  it("hands a failure to the error handler, never to the caller", async () => {
    const work = new InFlightWork();
    const errors: unknown[] = [];
    work.run(
      async () => {
        throw new Error("platform refused");
      },
      (error) => errors.push(error),
    );
    await work.idle();
    expect(errors).toHaveLength(1);
  });
});
