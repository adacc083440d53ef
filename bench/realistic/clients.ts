import OpenAI, { APIError } from "openai";
import { fairnessScope } from "../../src/llm/fair-queue.ts";
import type { ServiceOverrides } from "../../src/services.ts";
import { askTimed, BENCH_API_KEY, benchTurn, createBenchBot } from "../support/bot.ts";
import type { PlannedQuestion } from "./plan.ts";
import { ContinuousBucket, type ContinuousLimits, requestCost } from "./provider.ts";

export type RealisticClientKind = "bot" | "sdk" | "tutorial" | "oracle";

/** How one question ended for its asker; times are real ms from its arrival. */
export interface QuestionRecord {
  index: number;
  outcome: "answered" | "refused" | "failed";
  firstTextMs?: number;
  doneMs: number;
}

/** What a client needs to run a scenario; times in real ms (the parent compresses them). */
export interface RealisticRun {
  kind: RealisticClientKind;
  baseUrl: string;
  questions: PlannedQuestion[];
  msPerSecond: number;
  /** The longest a question may wait (the bot's LLM_DEADLINE_MS, the oracle's refusal bound). */
  deadlineMs: number;
  /** The provider's limits (the oracle knows them; nobody else does). */
  limits: ContinuousLimits & { periodMs: number };
  maxTokens: number;
  env?: Record<string, string>;
}

const model = "bench-model";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

type Asker = (question: PlannedQuestion, arrivedAt: number) => Promise<QuestionRecord>;

/** Asks every question at its arrival time (from `startAt`, performance.now() here) and collects the records. */
export async function runQuestions(
  run: RealisticRun,
  ask: Asker,
  startAt: number,
): Promise<QuestionRecord[]> {
  return Promise.all(
    run.questions.map(async (question) => {
      const arrivedAt = startAt + question.atSeconds * run.msPerSecond;
      await sleep(arrivedAt - performance.now());
      return ask(question, arrivedAt);
    }),
  );
}

function streamOnce(sdk: OpenAI, run: RealisticRun, question: PlannedQuestion, arrivedAt: number) {
  return async (): Promise<QuestionRecord> => {
    const stream = await sdk.chat.completions.create({
      model,
      messages: [{ role: "user", content: question.text }],
      max_tokens: run.maxTokens,
      stream: true,
    });
    let firstTextMs: number | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) firstTextMs ??= performance.now() - arrivedAt;
    }
    return {
      index: question.index,
      outcome: "answered",
      ...(firstTextMs !== undefined ? { firstTextMs } : {}),
      doneMs: performance.now() - arrivedAt,
    };
  };
}

const failed = (question: PlannedQuestion, arrivedAt: number): QuestionRecord => ({
  index: question.index,
  outcome: "failed",
  doneMs: performance.now() - arrivedAt,
});

/** This bot through its real engine; the benchmark sets the fairness key around each turn. */
export function botAsker(run: RealisticRun, overrides: ServiceOverrides = {}): Asker {
  const bot = createBenchBot(run.baseUrl, { CACHE_TTL_SECONDS: "0", ...run.env }, overrides);
  return async (question, arrivedAt) => {
    const turn = benchTurn({
      workspaceId: question.workspaceId,
      userId: question.userId,
      channelId: `C-${question.workspaceId}`,
      threadId: `q${question.index}`,
      text: question.text,
    });
    const outcome = await fairnessScope.run({ workspaceId: turn.workspaceId, userId: turn.userId }, () =>
      askTimed(bot.engine, turn),
    );
    const failure = outcome.result.failure;
    return {
      index: question.index,
      outcome: failure ? (failure.code === "rate_limited" ? "refused" : "failed") : "answered",
      ...(outcome.firstDeltaAt !== undefined ? { firstTextMs: outcome.firstDeltaAt - arrivedAt } : {}),
      doneMs: outcome.endedAt - arrivedAt,
    };
  };
}

/** The openai SDK as most code uses it: default retries (2, honouring retry-after), no pacing. */
export function sdkAsker(run: RealisticRun): Asker {
  const sdk = new OpenAI({ apiKey: BENCH_API_KEY, baseURL: run.baseUrl });
  return (question, arrivedAt) =>
    streamOnce(sdk, run, question, arrivedAt)().catch(() => failed(question, arrivedAt));
}

/** The tutorial loop: 5 workers take questions in arrival order, 3 tries each, sleep retry-after on 429. */
export function tutorialAsker(run: RealisticRun): Asker {
  const sdk = new OpenAI({ apiKey: BENCH_API_KEY, baseURL: run.baseUrl, maxRetries: 0 });
  const queue: (() => Promise<void>)[] = [];
  let idle = 5;
  const work = async () => {
    idle--;
    for (let job = queue.shift(); job; job = queue.shift()) await job();
    idle++;
  };
  return (question, arrivedAt) =>
    new Promise<QuestionRecord>((resolve) => {
      queue.push(async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            resolve(await streamOnce(sdk, run, question, arrivedAt)());
            return;
          } catch (error) {
            if (error instanceof APIError && error.status === 429 && attempt < 3) {
              const seconds = Number.parseFloat(error.headers?.get("retry-after") ?? "");
              await sleep((Number.isFinite(seconds) ? seconds : 1) * 1000);
              continue;
            }
            resolve(failed(question, arrivedAt));
            return;
          }
        }
      });
      if (idle > 0) void work();
    });
}

/**
 * The physical limit: a client holding an exact copy of the provider's buckets (same limits, same
 * start), sending each question the moment the provider will admit it, first come first served, and
 * refusing at once a question whose exact wait passes the deadline. It never sees a 429.
 */
export function oracleAsker(run: RealisticRun, startAt: number): Asker {
  const sdk = new OpenAI({ apiKey: BENCH_API_KEY, baseURL: run.baseUrl, maxRetries: 0 });
  const { limits } = run;
  const requests = new ContinuousBucket(
    limits.requests,
    limits.periodMs,
    startAt,
    limits.requests * limits.startFull,
  );
  const tokens = new ContinuousBucket(
    limits.tokens,
    limits.periodMs,
    startAt,
    limits.tokens * limits.startFull,
  );
  const queue: { cost: number; go: () => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const pump = () => {
    timer = undefined;
    for (let head = queue[0]; head; head = queue[0]) {
      const now = performance.now();
      const wait = Math.max(requests.waitFor(1, now), tokens.waitFor(head.cost, now));
      if (wait > 0) {
        timer = setTimeout(pump, Math.ceil(wait));
        return;
      }
      requests.take(1, now);
      tokens.take(head.cost, now);
      queue.shift();
      head.go();
    }
  };
  return async (question, arrivedAt) => {
    const cost = requestCost({
      model,
      messages: [{ role: "user", content: question.text }],
      max_tokens: run.maxTokens,
    });
    const now = performance.now();
    const queuedCost = queue.reduce((total, entry) => total + entry.cost, 0);
    const wait = Math.max(requests.waitFor(queue.length + 1, now), tokens.waitFor(queuedCost + cost, now));
    if (wait > run.deadlineMs) return { index: question.index, outcome: "refused", doneMs: now - arrivedAt };
    await new Promise<void>((go) => {
      queue.push({ cost, go });
      if (!timer) pump();
    });
    return streamOnce(sdk, run, question, arrivedAt)().catch(() => failed(question, arrivedAt));
  };
}
