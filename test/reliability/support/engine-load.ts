import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parseConfig } from "../../../src/config/config.ts";
import type { InboundTurn } from "../../../src/conversation/turn.ts";
import type { ChatRequest, LlmChunk, LlmClient } from "../../../src/llm/types.ts";
import { createLogger } from "../../../src/observability/logger.ts";
import { createServices } from "../../../src/services.ts";
import { LogCapture } from "../../support/log-capture.ts";
import { CANARY } from "./canary.ts";

/**
 * A model with fixed, known latency and no network: what is left of an answer's time is the bot's
 * own overhead (history, window, token counting, cache, usage, governance). Its answer quotes the
 * question, so a reply can be matched to the question it answers.
 */
export class LatencyModel implements LlmClient {
  calls = 0;

  constructor(
    private readonly chunkDelayMs: number,
    private readonly chunks: number,
    readonly answerChars: number,
  ) {}

  /** Time the model itself takes per answer. */
  get latencyMs(): number {
    return this.chunkDelayMs * this.chunks;
  }

  async *stream(request: ChatRequest): AsyncGenerator<LlmChunk> {
    this.calls += 1;
    const question = request.messages.at(-1)?.content ?? "";
    const text = answerTo(question, this.answerChars);
    const size = Math.ceil(text.length / this.chunks);
    for (let i = 0; i < this.chunks; i++) {
      await new Promise((resolve) => setTimeout(resolve, this.chunkDelayMs));
      yield { type: "delta", text: text.slice(i * size, (i + 1) * size) };
    }
    yield {
      type: "done",
      usage: {
        promptTokens: Math.ceil(question.length / 4),
        completionTokens: text.length / 4,
        reported: true,
      },
      finishReason: "stop",
      interrupted: false,
    };
  }
}

/** The model's answer to `question`: the question quoted, padded to about `chars` characters. */
export function answerTo(question: string, chars: number): string {
  const head = `Answer to [${question}]. `;
  return (
    head +
    "All work and no play makes a dull bot. ".repeat(Math.max(0, Math.ceil((chars - head.length) / 39)))
  );
}

export interface EngineLoadOptions {
  conversations: number;
  turns: number;
  /** Conversations in flight at once; they run in waves of this size. */
  concurrency: number;
  model: LatencyModel;
  env?: Record<string, string>;
  /** Called after each wave with the heap after a full collection (bytes) and the wave's overheads (ms). */
  onWave?: (wave: number, heapBytes: number, overheadMs: number[]) => void;
  /** Checked before each wave: true stops the run early (a soak that runs for a set time). */
  stop?: () => boolean;
}

export interface EngineLoadResult {
  turns: number;
  answered: number;
  /** Turns whose final was missing or was an error. */
  lost: number;
  /** Turns that got more than one final. */
  duplicated: number;
  /** Turns whose request did not carry exactly the conversation's earlier pairs. */
  historyMismatches: number;
  /** Per turn: time to the final minus the model's own latency, ms. */
  overheadMs: number[];
  /** Heap after a full collection at the end of each wave, bytes. */
  heapByWave: number[];
  /** Conversations the history store holds at the end (its cap is HISTORY_MAX_CONVERSATIONS). */
  historyConversations: number;
  /** Answers the answer cache holds at the end (its cap is CACHE_MAX_ENTRIES). */
  cachedAnswers: number;
  logs: LogCapture;
}

let collect: (() => void) | undefined;

/** A full garbage collection, so heap samples compare live data rather than garbage. */
export function fullGc(): void {
  if (!collect) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
  collect();
}

/**
 * Runs `conversations` x `turns` through the real engine and stores, the turns of one conversation one
 * after the other (a person waits for the answer), `concurrency` conversations at a time.
 */
export async function runEngineLoad(options: EngineLoadOptions): Promise<EngineLoadResult> {
  const logs = new LogCapture();
  const config = parseConfig({
    OPENAI_API_KEY: CANARY.openaiKey,
    OPENAI_MODEL: "load-model",
    ...options.env,
  });
  const services = createServices(config, createLogger("warn", logs), { llm: options.model });
  const { engine } = services;
  const result: EngineLoadResult = {
    turns: 0,
    answered: 0,
    lost: 0,
    duplicated: 0,
    historyMismatches: 0,
    overheadMs: [],
    heapByWave: [],
    historyConversations: 0,
    cachedAnswers: 0,
    logs,
  };
  const sentHistory = new Map<string, number>();
  const model = options.model;
  const original = model.stream.bind(model);
  // Checks what each request carries: the conversation's earlier turns, in order, then the question.
  model.stream = (request: ChatRequest) => {
    const question = request.messages.at(-1)?.content ?? "";
    sentHistory.set(question, request.messages.filter((m) => m.role !== "system").length - 1);
    return original(request);
  };

  const conversation = async (id: number) => {
    for (let turn = 1; turn <= options.turns; turn++) {
      const text = `c${id} t${turn}: what comes next after ${turn}?`;
      const question: InboundTurn = {
        platform: "slack",
        workspaceId: `T${id % 7}`,
        channelId: `C${id % 23}`,
        threadId: `conversation-${id}`,
        userId: `U${id % 50}`,
        userName: `user${id % 50}`,
        text,
        isDirectMessage: false,
      };
      result.turns += 1;
      const started = performance.now();
      let finals = 0;
      let answer = "";
      for await (const event of engine.ask(question)) {
        if (event.type !== "final") continue;
        finals += 1;
        if (!event.result.failure) answer = event.result.text;
      }
      result.overheadMs.push(performance.now() - started - model.latencyMs);
      if (finals > 1) result.duplicated += 1;
      if (finals === 0 || answer !== answerTo(text, options.model.answerChars)) result.lost += 1;
      else result.answered += 1;
      if (sentHistory.get(text) !== 2 * (turn - 1)) result.historyMismatches += 1;
      sentHistory.delete(text);
    }
  };

  for (let start = 0; start < options.conversations && !options.stop?.(); start += options.concurrency) {
    const firstSample = result.overheadMs.length;
    const wave = Array.from(
      { length: Math.min(options.concurrency, options.conversations - start) },
      (_, i) => conversation(start + i),
    );
    await Promise.all(wave);
    fullGc();
    const heap = process.memoryUsage().heapUsed;
    result.heapByWave.push(heap);
    options.onWave?.(result.heapByWave.length, heap, result.overheadMs.slice(firstSample));
  }
  result.historyConversations = sizeOf(services.stores.history);
  result.cachedAnswers = sizeOf(services.stores.cache);
  return result;
}

/** Entries of an in-memory store (its `size`), or -1 when it has none. */
function sizeOf(store: unknown): number {
  const size = (store as { size?: unknown } | undefined)?.size;
  return typeof size === "number" ? size : -1;
}

/** The `q` quantile (0..1) of `values`, by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
