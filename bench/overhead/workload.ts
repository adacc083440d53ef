import OpenAI from "openai";
import { DEFAULT_SYSTEM_PROMPT } from "../../src/config/variables/core.ts";
import type { HistoryPair, HistoryStore } from "../../src/conversation/history-store.ts";
import { TokenCounter } from "../../src/conversation/token-counter.ts";
import { conversationKey } from "../../src/conversation/turn.ts";
import type { BotServices } from "../../src/services.ts";
import { askTimed, BENCH_API_KEY, benchTurn } from "../support/bot.ts";
import { seededRandom } from "../support/random.ts";
import { englishText, mixedText } from "../support/text.ts";

export type HistoryShape = "short" | "long";

export interface OverheadScenario {
  threads: number;
  history: HistoryShape;
}

/** Turns in a long history (messages, as HISTORY_MAX_MESSAGES counts them): 25 question/answer pairs. */
export const LONG_HISTORY_TURNS = 50;

/** Config that lets all 50 turns into every window, so the long case is the worst case. */
export const longHistoryEnv: Record<string, string> = {
  HISTORY_MAX_MESSAGES: String(LONG_HISTORY_TURNS),
  HISTORY_MAX_TOKENS: "100000",
};

export interface LoopResult {
  latenciesMs: number[];
  elapsedMs: number;
  /** Process CPU (user + system) over the loop; the fake runs in another process. */
  cpuMs: number;
}

/** `threads` senders, each sending its next message as soon as the previous one is answered. */
export async function closedLoop(
  threads: number,
  total: number,
  send: (thread: number, sequence: number) => Promise<void>,
): Promise<LoopResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, async (_, thread) => {
      for (let sequence = next++; sequence < total; sequence = next++) {
        const sent = performance.now();
        await send(thread, sequence);
        latenciesMs.push(performance.now() - sent);
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { latenciesMs, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Long, bilingual history pairs: ~20 words + 30 characters asked, ~80 words + 100 characters answered. */
export function historyPairs(seed: number, pairs: number): HistoryPair[] {
  const random = seededRandom(seed);
  const counter = new TokenCounter();
  return Array.from({ length: pairs }, () => {
    const user = mixedText(random, 20, 30);
    const assistant = mixedText(random, 80, 100);
    return {
      user,
      assistant,
      userTokens: counter.countMessage(user),
      assistantTokens: counter.countMessage(assistant),
    };
  });
}

/** Precomputed texts so that generating them never counts as the bot's time. */
export interface Workload {
  turnFor(thread: number, sequence: number): ReturnType<typeof benchTurn>;
  /** The same messages as the bot would send, for the bare-SDK baseline. */
  messagesFor(thread: number, sequence: number): { role: "system" | "user" | "assistant"; content: string }[];
}

/** `history`, when given, is filled with the long history of every thread (directly, untimed). */
export async function prepareWorkload(
  scenario: OverheadScenario,
  total: number,
  tag: string,
  history?: HistoryStore,
): Promise<Workload> {
  const random = seededRandom(7);
  if (scenario.history === "short") {
    // A first turn in a new thread each time: empty history, and the cache is consulted (and missed).
    const questions = Array.from(
      { length: total },
      (_, i) => `Question ${tag}-${i}: ${englishText(random, 12)}?`,
    );
    return {
      turnFor: (_thread, sequence) =>
        benchTurn({ threadId: `short-${tag}-${sequence}`, text: questions[sequence] ?? "" }),
      messagesFor: (_thread, sequence) => [
        { role: "system", content: DEFAULT_SYSTEM_PROMPT },
        { role: "user", content: questions[sequence] ?? "" },
      ],
    };
  }
  const pairs = historyPairs(11, LONG_HISTORY_TURNS / 2);
  const questions = Array.from({ length: 256 }, () => mixedText(random, 15, 20));
  const turnFor = (thread: number, sequence: number) =>
    benchTurn({ threadId: `long-${thread}`, text: questions[sequence % questions.length] ?? "" });
  if (history) {
    for (let thread = 0; thread < scenario.threads; thread++) {
      const key = conversationKey(turnFor(thread, 0));
      for (const pair of pairs) await history.append(key, pair);
    }
  }
  const historyMessages = pairs.flatMap((pair) => [
    { role: "user" as const, content: pair.user },
    { role: "assistant" as const, content: pair.assistant },
  ]);
  return {
    turnFor,
    messagesFor: (_thread, sequence) => [
      { role: "system", content: DEFAULT_SYSTEM_PROMPT },
      ...historyMessages,
      { role: "user", content: questions[sequence % questions.length] ?? "" },
    ],
  };
}

export function botSender(bot: BotServices, workload: Workload) {
  return async (thread: number, sequence: number) => {
    const outcome = await askTimed(bot.engine, workload.turnFor(thread, sequence));
    if (outcome.result.failure) throw new Error(`bench message failed: ${outcome.result.failure.code}`);
  };
}

/** The baseline: the same request through the bare openai SDK, no engine, no pacing. */
export function sdkSender(baseUrl: string, workload: Workload) {
  const sdk = new OpenAI({ apiKey: BENCH_API_KEY, baseURL: baseUrl, maxRetries: 0 });
  return async (thread: number, sequence: number) => {
    const stream = await sdk.chat.completions.create({
      model: "bench-model",
      messages: workload.messagesFor(thread, sequence),
      max_tokens: 1024,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _chunk of stream) {
      // drain, as the engine does
    }
  };
}
