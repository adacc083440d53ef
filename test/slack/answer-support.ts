import { expect } from "vitest";
import { answerInSlack } from "../../adapters/slack/answer.ts";
import type { SlackMessenger, StreamPlace } from "../../adapters/slack/messenger.ts";
import type { NativeStreamingSupport } from "../../adapters/slack/native-stream.ts";
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
export class RecordingMessenger implements SlackMessenger {
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

export type Script = (options: AskOptions) => AsyncGenerator<EngineEvent>;

/** An engine that plays a script and records whether each turn was ended (its lock released). */
export class ScriptedEngine implements ConversationEngine {
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

export const answer = (text: string): EngineEvent => ({
  type: "final",
  result: { text, usage: undefined, cached: false, finishReason: "stop", locale: "en" },
});
export const failure = (
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

export const turn: InboundTurn = {
  platform: "slack",
  workspaceId: "T1",
  channelId: "C1",
  threadId: "1.1",
  userId: "U1",
  userName: "Bob",
  text: "hi",
  isDirectMessage: false,
};

export function setUp(
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

export function deferred() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Lets pending promise callbacks run until `condition` holds (the messenger answers at once). */
export async function flushUntil(condition: () => boolean): Promise<void> {
  for (let round = 0; round < 100 && !condition(); round++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}
