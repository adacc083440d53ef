import { describe, expect, it } from "vitest";
import { answerInSlack } from "../../adapters/slack/answer.ts";
import { NativeStreamingSupport } from "../../adapters/slack/native-stream.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { ManualClock } from "../support/manual-clock.ts";
import {
  answer,
  failure,
  flushUntil,
  RecordingMessenger,
  type Script,
  ScriptedEngine,
  setUp,
  turn,
} from "./answer-support.ts";

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
