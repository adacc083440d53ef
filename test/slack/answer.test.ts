import { describe, expect, it } from "vitest";
import { answerInSlack } from "../../adapters/slack/answer.ts";
import type { SlackMessenger, StreamPlace } from "../../adapters/slack/messenger.ts";
import { NativeStreamingSupport } from "../../adapters/slack/native-stream.ts";
import { MIN_PART_LIMIT, renderAnswerParts } from "../../adapters/slack/render-parts.ts";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type {
  EngineEvent,
  EngineResult,
  FailureAudience,
  UserFacingErrorCode,
} from "../../src/engine/events.ts";
import type { AskOptions, ConversationEngine } from "../../src/engine/types.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { ManualClock } from "../support/manual-clock.ts";

/** What the messenger was asked to do, in order. */
class RecordingMessenger implements SlackMessenger {
  readonly log: string[] = [];
  refusePosts = false;
  refuseStreams = false;
  private next = 1;

  async post(channelId: string, text: string, threadTs: string | undefined): Promise<string> {
    if (this.refusePosts) throw new Error("not_in_channel");
    const ts = `ts${this.next++}`;
    this.log.push(`post ${channelId}/${threadTs ?? "top"} ${ts}: ${text}`);
    return ts;
  }

  async update(_channelId: string, ts: string, text: string): Promise<void> {
    this.log.push(`update ${ts}: ${text}`);
  }

  async remove(_channelId: string, ts: string): Promise<void> {
    this.log.push(`delete ${ts}`);
  }

  async startStream(place: StreamPlace, markdown: string): Promise<string> {
    if (this.refuseStreams) throw new Error("feature_not_enabled");
    const ts = `ts${this.next++}`;
    this.log.push(
      `start ${place.channelId}/${place.threadTs} for ${place.recipientUserId} ${ts}: ${markdown}`,
    );
    return ts;
  }

  async appendStream(_channelId: string, ts: string, markdown: string): Promise<void> {
    this.log.push(`append ${ts}: ${markdown}`);
  }

  async stopStream(_channelId: string, ts: string, markdown: string): Promise<void> {
    this.log.push(`stop ${ts}: ${markdown}`);
  }
}

type Script = (options: AskOptions) => AsyncGenerator<EngineEvent>;

/** An engine that plays a script and records whether each turn was ended (its lock released). */
class ScriptedEngine implements ConversationEngine {
  ended = 0;
  signals: AbortSignal[] = [];
  constructor(private readonly script: Script) {}

  async *ask(_turn: InboundTurn, options: AskOptions = {}): AsyncGenerator<EngineEvent> {
    if (options.signal) this.signals.push(options.signal);
    try {
      yield* this.script(options);
    } finally {
      this.ended += 1;
    }
  }

  command(): Promise<EngineResult> {
    throw new Error("not used");
  }

  localeOf(turn: Pick<InboundTurn, "locale">): string {
    return turn.locale?.toLowerCase() ?? "en";
  }
}

const answer = (text: string): EngineEvent => ({
  type: "final",
  result: { text, usage: undefined, cached: false, finishReason: "stop", locale: "en" },
});
const failure = (
  code: UserFacingErrorCode,
  text: string,
  audience: FailureAudience = "everyone",
): EngineEvent => ({
  type: "final",
  result: {
    text,
    usage: undefined,
    cached: false,
    finishReason: "unknown",
    failure: { code, message: text, audience },
    locale: "en",
  },
});

const turn: InboundTurn = {
  platform: "slack",
  workspaceId: "T1",
  channelId: "C1",
  threadId: "1.1",
  userId: "U1",
  userName: "Bob",
  text: "hi",
  isDirectMessage: false,
};

function setUp(
  script: Script,
  placeholderDelayMs?: number,
  partLimit?: number,
  nativeStreaming?: NativeStreamingSupport,
) {
  const messenger = new RecordingMessenger();
  const engine = new ScriptedEngine(script);
  const clock = new ManualClock();
  const run = (showPrivately?: (text: string) => Promise<boolean>, locale?: string) =>
    answerInSlack(
      {
        messenger,
        updateIntervalMs: 1000,
        clock,
        ...(placeholderDelayMs === undefined ? {} : { placeholderDelayMs }),
        ...(partLimit === undefined ? {} : { partLimit }),
        ...(nativeStreaming ? { nativeStreaming } : {}),
      },
      { engine, logger: silentLogger },
      locale ? { ...turn, locale } : turn,
      { channelId: "C1", threadTs: "1.1" },
      new AbortController().signal,
      showPrivately,
    );
  return { messenger, engine, clock, run };
}

function deferred() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

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

describe("answerInSlack with Slack's own streaming (SLACK_NATIVE_STREAMING=auto)", () => {
  it("starts the stream with the first words, appends once a second, stops with the rest, mentions defused", async () => {
    const { messenger, clock, run } = setUp(
      async function* () {
        yield { type: "delta", text: "Hi <!channel> " };
        await flushUntil(() => messenger.log.length === 1);
        yield { type: "delta", text: "and @here" };
        clock.advance(1000);
        await flushUntil(() => messenger.log.length === 2);
        yield { type: "delta", text: ", bye" };
        yield answer("Hi <!channel> and @here, bye.");
      },
      undefined,
      undefined,
      new NativeStreamingSupport(silentLogger),
    );
    expect(await run()).toBe("answered");
    expect(messenger.log).toEqual([
      "start C1/1.1 for U1 ts1: Hi <\u200b!channel> ",
      "append ts1: and @\u200bhere",
      "stop ts1: , bye.",
    ]);
  });

  it("posts and updates where Slack refuses to stream, and stops asking in that workspace", async () => {
    const support = new NativeStreamingSupport(silentLogger);
    const script: Script = async function* () {
      yield { type: "delta", text: "Hel" };
      yield answer("Hello");
    };
    const first = setUp(script, undefined, undefined, support);
    first.messenger.refuseStreams = true;
    expect(await first.run()).toBe("answered");
    expect(first.messenger.log).toEqual(["post C1/1.1 ts1: Hel", "update ts1: Hello"]);
    const second = setUp(script, undefined, undefined, support);
    expect(await second.run()).toBe("answered");
    expect(second.messenger.log).toEqual(["post C1/1.1 ts1: Hel", "update ts1: Hello"]);
    expect(support.allows("T1")).toBe(false);
  });

  it("takes the streamed message back when the final text does not continue it", async () => {
    const { messenger, run } = setUp(
      async function* () {
        yield { type: "delta", text: "partial" };
        await flushUntil(() => messenger.log.length === 1);
        yield failure("unavailable", "Down.");
      },
      undefined,
      undefined,
      new NativeStreamingSupport(silentLogger),
    );
    expect(await run()).toBe("answered");
    expect(messenger.log).toEqual([
      "start C1/1.1 for U1 ts1: partial",
      "delete ts1",
      "post C1/1.1 ts2: Down.",
    ]);
  });

  it("does not stream at a DM's top level, where there is no thread to stream into", async () => {
    const messenger = new RecordingMessenger();
    const engine = new ScriptedEngine(async function* () {
      yield { type: "delta", text: "Hi" };
      yield answer("Hi!");
    });
    await answerInSlack(
      {
        messenger,
        updateIntervalMs: 1000,
        clock: new ManualClock(),
        nativeStreaming: new NativeStreamingSupport(silentLogger),
      },
      { engine, logger: silentLogger },
      { ...turn, isDirectMessage: true, channelId: "D1" },
      { channelId: "D1", threadTs: undefined },
      new AbortController().signal,
    );
    expect(messenger.log).toEqual(["post D1/top ts1: Hi", "update ts1: Hi!"]);
  });
});

/** Lets pending promise callbacks run until `condition` holds (the messenger answers at once). */
async function flushUntil(condition: () => boolean): Promise<void> {
  for (let round = 0; round < 100 && !condition(); round++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}
