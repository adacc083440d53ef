import { afterEach, describe, expect, it } from "vitest";
import { conversationKey } from "../../src/conversation/turn.ts";
import type { EngineEvent, EngineResult } from "../../src/engine/events.ts";
import { translate } from "../../src/i18n/translate.ts";
import { collect, turn } from "../integration/engine-support.ts";
import { createTestServices, type TestServices } from "../support/services.ts";

let t: TestServices;

afterEach(async () => {
  await t.close();
});

const NOTE = translate("en", "note.interrupted");

/** Asks, aborting the turn's signal as soon as the first delta is seen (the adapter's refusal or shutdown). */
async function askAndAbortAfterFirstDelta(text: string, threadId: string) {
  const controller = new AbortController();
  const deltas: string[] = [];
  let result: EngineResult | undefined;
  for await (const event of t.services.engine.ask(turn(text, { threadId }), { signal: controller.signal })) {
    if (event.type === "delta") {
      deltas.push(event.text);
      controller.abort(new Error("platform refused the post"));
    } else result = event.result;
  }
  return { deltas, result };
}

describe("an aborted stream is never a finished answer (answer cache on)", () => {
  it("a cut answer ends with the interruption note, is not cached, and history keeps the note", async () => {
    t = await createTestServices({ CACHE_TTL_SECONDS: "3600" });
    t.fakeOpenAI.setResponder((request) =>
      request.index === 0
        ? { kind: "stall-mid-stream", before: "The first half of" }
        : { kind: "text", text: "The whole answer." },
    );
    const cut = await askAndAbortAfterFirstDelta("what is it?", "t-cut");
    expect(cut.result?.finishReason).toBe("interrupted");
    expect(cut.result?.text.endsWith(NOTE)).toBe(true);
    expect(t.services.stores.cache?.stats().misses).toBe(1);

    // Another user asking the same question must not be served the cut text.
    const other = await collect(
      t.services.engine.ask(turn("what is it?", { threadId: "t-other", userId: "u2" })),
    );
    expect(other.result.text).toBe("The whole answer.");
    expect(other.result.cached).toBe(false);
    expect(t.fakeOpenAI.requests).toHaveLength(2);

    const history = await t.services.stores.history.read(
      conversationKey(turn("", { threadId: "t-cut" })),
      10,
    );
    expect(history).toHaveLength(1);
    expect(history[0]?.assistant.endsWith(NOTE)).toBe(true);
  });

  it("an adapter that stops reading leaves nothing in the cache for the next asker", async () => {
    t = await createTestServices({ CACHE_TTL_SECONDS: "3600" });
    t.fakeOpenAI.setResponder((request) =>
      request.index === 0
        ? { kind: "stall-mid-stream", before: "Half an" }
        : { kind: "text", text: "A complete answer." },
    );
    const controller = new AbortController();
    const events: EngineEvent[] = [];
    for await (const event of t.services.engine.ask(turn("same?", { threadId: "t1" }), {
      signal: controller.signal,
    })) {
      events.push(event);
      // As the Discord adapter does when its first post is refused: abort, then stop reading.
      controller.abort();
      break;
    }
    expect(events[0]?.type).toBe("delta");
    const next = await collect(t.services.engine.ask(turn("same?", { threadId: "t2", userId: "u2" })));
    expect(next.result.text).toBe("A complete answer.");
    expect(t.fakeOpenAI.requests).toHaveLength(2);
  });

  it("a caller waiting on someone else's computation that was aborted asks the model itself", async () => {
    t = await createTestServices({ CACHE_TTL_SECONDS: "3600" });
    let reached: (() => void) | undefined;
    const firstReachedUpstream = new Promise<void>((resolve) => {
      reached = resolve;
    });
    t.fakeOpenAI.setResponder((request) => {
      if (request.index > 0) return { kind: "text", text: "Full text." };
      reached?.();
      return { kind: "stall-mid-stream", before: "Partial" };
    });
    const cache = t.services.stores.cache;
    if (!cache) throw new Error("the answer cache is on");
    const controller = new AbortController();
    // Abort the first computation only once the second caller has joined it.
    const resolve = cache.resolve.bind(cache);
    let joined = 0;
    cache.resolve = (key, compute) => {
      const resolution = resolve(key, compute);
      if (++joined === 2) controller.abort();
      return resolution;
    };
    const first = collect(
      t.services.engine.ask(turn("shared?", { threadId: "ta" }), { signal: controller.signal }),
    );
    await firstReachedUpstream;
    const served = await collect(t.services.engine.ask(turn("shared?", { threadId: "tb", userId: "u2" })));
    const cut = await first;
    expect(joined).toBe(2);
    expect(cut.result.text).not.toBe("Partial");
    expect(served.result.text).toBe("Full text.");
    expect(served.result.finishReason).toBe("stop");
    expect(t.fakeOpenAI.requests).toHaveLength(2);
  });
});
