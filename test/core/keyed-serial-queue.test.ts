import { describe, expect, it } from "vitest";
import { KeyedSerialQueue } from "../../src/engine/keyed-serial-queue.ts";
import { settleMicrotasks } from "../contracts/support/manual-clock.ts";
import { track } from "../contracts/support/track.ts";

describe("KeyedSerialQueue", () => {
  it("runs holders of one key strictly in arrival order, one at a time", async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const gates = new Map<number, () => void>();
    const run = async (n: number) => {
      const release = await queue.acquire("thread");
      active++;
      maxActive = Math.max(maxActive, active);
      log.push(`start ${n}`);
      await new Promise<void>((resolve) => gates.set(n, resolve));
      log.push(`end ${n}`);
      active--;
      release();
    };
    const runs = [1, 2, 3, 4].map(run);
    // Only the head of the queue may have started; let each one finish in turn.
    for (const n of [1, 2, 3, 4]) {
      await settleMicrotasks();
      expect(gates.has(n)).toBe(true);
      expect([...gates.keys()].filter((k) => k > n)).toEqual([]);
      gates.get(n)?.();
    }
    await Promise.all(runs);
    expect(log).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3", "start 4", "end 4"]);
    expect(maxActive).toBe(1);
  });

  it("runs different keys in parallel", async () => {
    const queue = new KeyedSerialQueue();
    const a = track(queue.acquire("a"));
    const b = track(queue.acquire("b"));
    const a2 = track(queue.acquire("a"));
    await settleMicrotasks();
    expect([a.state, b.state, a2.state]).toEqual(["fulfilled", "fulfilled", "pending"]);
  });

  it("keeps order among many interleaved keys", async () => {
    const queue = new KeyedSerialQueue();
    const order: Record<string, number[]> = { x: [], y: [], z: [] };
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const key = ["x", "y", "z"][i % 3] as string;
        const release = await queue.acquire(key);
        await settleMicrotasks(); // hold the key across ticks, as a real answer does
        order[key]?.push(i);
        release();
      }),
    );
    for (const [key, seen] of Object.entries(order)) {
      expect(seen, key).toEqual([...seen].sort((p, q) => p - q));
      expect(seen).toHaveLength(10);
    }
  });

  it("ignores a second release, so it cannot let two holders in at once", async () => {
    const queue = new KeyedSerialQueue();
    const release = await queue.acquire("k");
    const second = track(queue.acquire("k"));
    const third = track(queue.acquire("k"));
    release();
    release();
    await settleMicrotasks();
    expect([second.state, third.state]).toEqual(["fulfilled", "pending"]);
  });

  it("lets the next holder in after a holder that failed but released", async () => {
    const queue = new KeyedSerialQueue();
    const failing = (async () => {
      const release = await queue.acquire("k");
      try {
        throw new Error("answer failed");
      } finally {
        release();
      }
    })();
    await expect(failing).rejects.toThrow("answer failed");
    const next = track(queue.acquire("k"));
    await settleMicrotasks();
    expect(next.state).toBe("fulfilled");
  });

  it("forgets a key once nobody holds or waits for it", async () => {
    const queue = new KeyedSerialQueue();
    const releases = await Promise.all(["a", "b", "c"].map((key) => queue.acquire(key)));
    const queued = queue.acquire("a");
    expect(queue.activeKeys).toBe(3);
    for (const release of releases) release();
    (await queued)();
    expect(queue.activeKeys).toBe(0);
  });
});
