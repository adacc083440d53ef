import type { CachedAnswer } from "../cache/answer-cache.ts";
import type { TokenCounter } from "../conversation/token-counter.ts";
import { StreamAbortedError } from "../llm/errors.ts";
import type { ChatRequest, FinishReason, LlmClient, TokenUsage } from "../llm/types.ts";
import { AnswerSizeCap, answerCharCap } from "./answer-size-cap.ts";
import type { AsyncQueue } from "./async-queue.ts";
import type { EngineProgress } from "./events.ts";

export interface AnswerReaderDeps {
  llm: LlmClient;
  counter: TokenCounter;
  now: () => number;
  /** MAX_TOKENS, for the size cap of a request that names none. */
  defaultMaxTokens: number;
}

export type StreamItem = { type: "delta"; text: string } | EngineProgress;

const THINKING_EVERY_MS = 1000;

/**
 * The visible answer's size, free from the provider's count when that count is only the answer:
 * hidden reasoning reported apart is subtracted; reasoning seen in the stream but not reported apart
 * leaves the answer to be counted.
 */
function answerSize(usage: TokenUsage, reasoned: boolean): { answerTokens?: number } {
  if (!usage.reported) return {};
  if (usage.reasoningTokens !== undefined) {
    return { answerTokens: Math.max(0, usage.completionTokens - usage.reasoningTokens) };
  }
  return reasoned ? {} : { answerTokens: usage.completionTokens };
}

const finishReasons = new Set<FinishReason>(["stop", "length", "content_filter"]);

/**
 * Reads one answer from the model: deltas (cut at the size cap) and reasoning progress go to `sink`,
 * and the whole answer, its usage, finish reason and own size come back. Throws an LlmError when no
 * text arrived at all, and a StreamAbortedError when the caller stopped it before any text.
 */
export async function readAnswer(
  deps: AnswerReaderDeps,
  request: ChatRequest,
  sink: AsyncQueue<StreamItem>,
  signal?: AbortSignal,
): Promise<CachedAnswer> {
  let text = "";
  let usage: TokenUsage | undefined;
  let finishReason: FinishReason = "unknown";
  let reasoned = false;
  let keyFingerprint: string | undefined;
  let reasoningSince: number | undefined;
  let lastThinking: number | undefined;
  const thinking = () => {
    const now = deps.now();
    reasoningSince ??= now;
    // The first one at once, then about once a second: enough for a "Thinking… 12s" line.
    if (lastThinking !== undefined && now - lastThinking < THINKING_EVERY_MS) return;
    lastThinking = now;
    sink.push({ type: "thinking", elapsedMs: now - reasoningSince });
  };
  let cap = new AnswerSizeCap(answerCharCap(request.maxTokens ?? deps.defaultMaxTokens));
  reading: for await (const chunk of deps.llm.stream(request, signal ? { signal } : {})) {
    switch (chunk.type) {
      case "delta": {
        const { text: kept, capped } = cap.take(chunk.text);
        text += kept;
        if (kept) sink.push({ type: "delta", text: kept });
        if (capped) {
          // Leaving the loop closes the stream, which aborts the upstream request.
          finishReason = "capped";
          break reading;
        }
        continue;
      }
      case "reasoning":
        reasoned = true;
        thinking();
        continue;
      case "retract":
        reasoned = true;
        text = "";
        cap = new AnswerSizeCap(answerCharCap(request.maxTokens ?? deps.defaultMaxTokens));
        sink.push({ type: "restart" });
        lastThinking = undefined;
        thinking();
        continue;
    }
    usage = chunk.usage;
    if (chunk.keyFingerprint) keyFingerprint = chunk.keyFingerprint;
    if (chunk.reasoned) reasoned = true;
    if (chunk.interrupted) finishReason = "interrupted";
    else if (chunk.finishReason && finishReasons.has(chunk.finishReason as FinishReason)) {
      finishReason = chunk.finishReason as FinishReason;
    } else finishReason = "stop"; // providers that omit finish_reason: the end of the stream is the end
  }
  // Whatever a client reports, a stream its caller aborted is not a finished answer.
  if (signal?.aborted) {
    if (!text) throw new StreamAbortedError("stream aborted by the caller");
    finishReason = "interrupted";
  }
  usage ??= {
    promptTokens: request.promptTokens ?? 0,
    completionTokens: deps.counter.count(text),
    reported: false,
  };
  return {
    text,
    usage,
    finishReason,
    ...answerSize(usage, reasoned),
    ...(keyFingerprint ? { keyFingerprint } : {}),
  };
}
