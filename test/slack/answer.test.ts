import { describe, expect, it } from "vitest";
import { MIN_PART_LIMIT, renderAnswerParts } from "../../adapters/slack/render-parts.ts";
import { answer, deferred, failure, flushUntil, setUp } from "./answer-support.ts";

describe("answerInSlack", () => {
  it("posts nothing at all for a silent refusal that comes before the placeholder delay", async () => {
    const { messenger, engine, run } = setUp(async function* () {
      yield failure("access_denied", "no", "nobody");
    });
    expect(await run()).toBe("silent");
    expect(messenger.log).toEqual([]);
    expect(engine.ended).toBe(1);
  });

  it("posts an early final as the answer itself, with no placeholder to edit", async () => {
    const { messenger, run } = setUp(async function* () {
      yield failure("user_budget", "Budget used up.");
    });
    expect(await run()).toBe("answered");
    expect(messenger.log).toEqual(["post C1/1.1 ts1: Budget used up."]);
  });

  it("posts a long early final (a cached answer) as its parts in order, none edited", async () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i}: ${"word ".repeat(40)}`);
    const text = paragraphs.join("\n\n");
    const { messenger, run } = setUp(
      async function* () {
        yield answer(text);
      },
      undefined,
      MIN_PART_LIMIT,
    );
    expect(await run()).toBe("answered");
    expect(messenger.log).toEqual(
      renderAnswerParts(text, MIN_PART_LIMIT).map((part, i) => `post C1/1.1 ts${i + 1}: ${part}`),
    );
    expect(messenger.log.length).toBeGreaterThan(1);
  });

  it("shows the placeholder once the delay passes, then replaces it with the first words at once", async () => {
    const gate = deferred();
    const { messenger, clock, run } = setUp(async function* () {
      await gate.opened;
      yield { type: "delta", text: "Hel" };
      yield { type: "delta", text: "lo" };
      yield answer("Hello");
    });
    const running = run(undefined, "zh-CN");
    clock.advance(300);
    await flushUntil(() => messenger.log.length === 1);
    expect(messenger.log).toEqual(["post C1/1.1 ts1: …思考中"]);
    gate.open();
    expect(await running).toBe("answered");
    // The throttle counts from the last text write: the placeholder holds none.
    expect(messenger.log).toEqual(["post C1/1.1 ts1: …思考中", "update ts1: Hel", "update ts1: Hello"]);
  });

  it("with no delay shows the placeholder first, and takes it back for a silent refusal", async () => {
    const { messenger, engine, run } = setUp(async function* () {
      yield failure("slow_down", "slow", "nobody");
    }, 0);
    expect(await run()).toBe("silent");
    expect(messenger.log).toEqual(["post C1/1.1 ts1: …thinking", "delete ts1"]);
    expect(engine.ended).toBe(1);
  });

  it("shows failures meant for the asker privately, and in place when that is declined", async () => {
    const refused = setUp(async function* () {
      yield failure("access_denied", "Not here.", "asker");
    });
    const shown: string[] = [];
    const outcome = await refused.run(async (text) => {
      shown.push(text);
      return true;
    });
    expect([outcome, shown, refused.messenger.log]).toEqual(["refused-elsewhere", ["Not here."], []]);

    const declined = setUp(async function* () {
      yield failure("access_denied", "Not here.", "asker");
    });
    expect(await declined.run(async () => false)).toBe("answered");
    expect(declined.messenger.log).toEqual(["post C1/1.1 ts1: Not here."]);

    // Failures for everyone stay where the answer would have been.
    const other = setUp(async function* () {
      yield failure("unavailable", "Down.");
    });
    let asked = false;
    await other.run(async () => {
      asked = true;
      return true;
    });
    expect([asked, other.messenger.log]).toEqual([false, ["post C1/1.1 ts1: Down."]]);
  });

  it("shows how long the model has been thinking in the placeholder, then the answer at once", async () => {
    const { messenger, clock, run } = setUp(async function* (options) {
      options.onProgress?.({ type: "thinking", elapsedMs: 0 });
      clock.advance(1200);
      options.onProgress?.({ type: "thinking", elapsedMs: 1200 });
      clock.advance(300); // too soon for another write: skipped
      options.onProgress?.({ type: "thinking", elapsedMs: 1500 });
      clock.advance(1000);
      options.onProgress?.({ type: "thinking", elapsedMs: 2500 });
      await flushUntil(() => messenger.log.length === 3);
      yield { type: "delta", text: "The answer" };
      yield answer("The answer.");
    });
    expect(await run()).toBe("answered");
    expect(messenger.log).toEqual([
      "post C1/1.1 ts1: …thinking",
      "update ts1: …thinking (1 s)",
      "update ts1: …thinking (2 s)",
      "update ts1: The answer",
      "update ts1: The answer.",
    ]);
  });

  it("clears text that turned out to be reasoning and shows thinking again", async () => {
    const { messenger, run } = setUp(async function* (options) {
      yield { type: "delta", text: "Let me think" };
      await flushUntil(() => messenger.log.length === 1);
      options.onProgress?.({ type: "restart" });
      await flushUntil(() => messenger.log.length === 2);
      yield answer("Paris.");
    });
    expect(await run()).toBe("answered");
    expect(messenger.log).toEqual([
      "post C1/1.1 ts1: Let me think",
      "update ts1: …thinking",
      "update ts1: Paris.",
    ]);
  });

  it("aborts the engine's work and ends its turn when Slack refuses the placeholder", async () => {
    const { messenger, engine, run } = setUp(async function* (options) {
      yield { type: "delta", text: "partial" };
      // A real engine stops its upstream call on abort and ends with a failure.
      yield options.signal?.aborted ? failure("timed_out", "aborted") : answer("partial and more");
    });
    messenger.refusePosts = true;
    expect(await run()).toBe("not-posted");
    expect(engine.signals[0]?.aborted).toBe(true);
    expect(engine.ended).toBe(1);
  });

  it("says something short when the engine breaks its promise and throws", async () => {
    const { messenger, engine, run } = setUp(async function* () {
      yield { type: "delta", text: "half" };
      throw new Error("boom");
    });
    expect(await run()).toBe("answered");
    expect(messenger.log.at(-1)).toBe("update ts1: Something went wrong on my side. Please try again.");
    expect(engine.ended).toBe(1);
  });
});
