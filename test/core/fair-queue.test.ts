import { describe, expect, it } from "vitest";
import { type FairnessKey, FairQueue } from "../../src/llm/fair-queue.ts";

const key = (workspaceId: string, userId = "u"): FairnessKey => ({ workspaceId, userId });

function drain<T>(queue: FairQueue<T>): T[] {
  const out: T[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
  return out;
}

describe("FairQueue", () => {
  it("is first come, first served for one user", () => {
    const queue = new FairQueue<string>();
    for (const item of ["a", "b", "c"]) queue.push(item, key("W"));
    expect(drain(queue)).toEqual(["a", "b", "c"]);
  });

  it("serves a workspace's burst in turn with the others: one each per round", () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 30; i++) queue.push(`burst${i}`, key("B"));
    queue.push("x1", key("X"));
    queue.push("y1", key("Y"));
    queue.push("x2", key("X"));
    expect(drain(queue).slice(0, 7)).toEqual(["burst1", "x1", "y1", "burst2", "x2", "burst3", "burst4"]);
  });

  it("inside a workspace, serves its users round-robin", () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 3; i++) queue.push(`ann${i}`, key("W", "ann"));
    queue.push("bob1", key("W", "bob"));
    expect(drain(queue)).toEqual(["ann1", "bob1", "ann2", "ann3"]);
  });

  it("forgets a withdrawn item and keeps the order of the rest", () => {
    const queue = new FairQueue<string>();
    queue.push("a1", key("A"));
    queue.push("b1", key("B"));
    queue.push("a2", key("A"));
    expect(queue.remove("a1")).toBe(true);
    expect(queue.remove("a1")).toBe(false);
    expect(queue.size).toBe(2);
    expect(drain(queue)).toEqual(["a2", "b1"]);
  });

  it("counts who is served before a newcomer: one per round from each other lane", () => {
    const queue = new FairQueue<string>();
    for (let i = 0; i < 20; i++) queue.push(`b${i}`, key("B"));
    queue.push("c0", key("C"));
    // A new workspace waits one round: one of B's, C's only one.
    expect(queue.aheadOf(key("A"))).toBe(2);
    // Another of B's waits behind B's 20 and C's one.
    expect(queue.aheadOf(key("B"))).toBe(21);
    queue.push("a0", key("A"));
    const order = drain(queue);
    expect(order.indexOf("a0")).toBe(2);
  });

  it("never lets a later arrival overtake a waiting question of a light workspace", () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 5; i++) queue.push(`b${i}`, key("B"));
    queue.push("light", key("L"));
    expect(queue.shift()).toBe("b1");
    for (const name of ["n1", "n2", "n3"]) queue.push(name, key(name));
    expect(drain(queue)).toEqual(["light", "b2", "n1", "n2", "n3", "b3", "b4", "b5"]);
  });
});
