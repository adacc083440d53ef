import OpenAI from "openai";
import { type FakeCounts, startRateLimitedOpenAI } from "../fakes/rate-limited-openai.ts";
import { BENCH_API_KEY } from "../support/bot.ts";
import { median } from "../support/stats.ts";
import type { BurstTiming, ClientProcesses } from "./processes.ts";

export interface LimitShape {
  /** R: requests admitted per window. */
  requestsPerWindow: number;
  windowMs: number;
  tokensPerWindow?: number;
  /** N: questions arriving at once. */
  questions: number;
  /** Service time of one admitted request at the fake: first byte, then `chunks` pieces `chunkDelayMs` apart. */
  firstByteMs: number;
  chunks: number;
  chunkDelayMs: number;
}

export interface BurstRun extends BurstTiming {
  client: string;
  fake: FakeCounts;
}

export function burstQuestions(count: number, tag: string): string[] {
  return Array.from(
    { length: count },
    (_, index) => `Question ${index} of burst ${tag}: what limits a rate?`,
  );
}

function fakeOptions(shape: LimitShape) {
  return {
    requestsPerWindow: shape.requestsPerWindow,
    windowMs: shape.windowMs,
    ...(shape.tokensPerWindow !== undefined ? { tokensPerWindow: shape.tokensPerWindow } : {}),
    firstByteMs: shape.firstByteMs,
    chunks: shape.chunks,
    chunkDelayMs: shape.chunkDelayMs,
    // One clock for the fake's windows and the clients' timings, so the breakdown adds up.
    now: () => performance.now(),
  };
}

/**
 * One repetition: every client against its own fresh rate-limited fake (windows never carry over),
 * each in its own process(es), all prepared first and then started at the same moment.
 */
export async function runRepetition(
  clients: readonly ClientProcesses[],
  shape: LimitShape,
  tag: string,
): Promise<BurstRun[]> {
  const warmup = await startRateLimitedOpenAI({ ...fakeOptions(shape), requestsPerWindow: 1_000_000 });
  const fakes = await Promise.all(clients.map(() => startRateLimitedOpenAI(fakeOptions(shape))));
  try {
    await Promise.all(
      clients.map((client, index) =>
        client.prepare(
          fakes[index]?.url ?? "",
          warmup.url,
          burstQuestions(shape.questions, `${tag}-${index}`),
        ),
      ),
    );
    const timings = await Promise.all(clients.map((client) => client.go()));
    return timings.map((timing, index) => ({
      client: clients[index]?.client.name ?? "?",
      ...timing,
      fake: fakes[index]?.counts() ?? { requests: 0, admitted: 0, rejected: 0, windows: [] },
    }));
  } finally {
    await Promise.all([...fakes, warmup].map((fake) => fake.close()));
  }
}

/** The service time L of one request with nothing in the way: the median of a few sequential calls. */
export async function measureServiceMs(shape: LimitShape, samples = 5): Promise<number> {
  const fake = await startRateLimitedOpenAI({ ...fakeOptions(shape), requestsPerWindow: 1_000_000 });
  const sdk = new OpenAI({ apiKey: BENCH_API_KEY, baseURL: fake.url, maxRetries: 0 });
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const stream = await sdk.chat.completions.create({
        model: "bench-model",
        messages: [{ role: "user", content: `calibration ${i}` }],
        stream: true,
      });
      for await (const _chunk of stream) {
        // drain
      }
      times.push(performance.now() - started);
    }
  } finally {
    await fake.close();
  }
  return median(times);
}

export const windowsNeeded = (shape: LimitShape) => Math.ceil(shape.questions / shape.requestsPerWindow);

/**
 * The floor the limit itself forces: the last of ceil(N/R) windows can open no earlier than
 * (ceil(N/R) - 1) x W after the first, and its requests still take the service time L.
 */
export function idealMakespanMs(shape: LimitShape, serviceMs: number): number {
  return (windowsNeeded(shape) - 1) * shape.windowMs + serviceMs;
}

/**
 * Where a makespan went beyond the ideal. makespan = start lag + (windows - 1) x W + reset lag + last
 * window, so excess = start lag + extra windows x W + reset lag + (last window - L).
 */
export interface MakespanBreakdown {
  makespanMs: number;
  idealMs: number;
  /** Burst arrival to the first request reaching the fake. */
  startLagMs: number;
  /** Windows beyond ceil(N/R): a window left partly unused costs a whole W. */
  extraWindows: number;
  /** Summed gaps between a window's end and the next request: capacity left idle after a reset. */
  resetLagMs: number;
  /** Last window's opening to the last answer, minus L: draining the last window (concurrency, retries). */
  lastWindowExcessMs: number;
}

export function breakDown(run: BurstRun, shape: LimitShape, serviceMs: number): MakespanBreakdown {
  const windows = run.fake.windows;
  const first = windows[0];
  const last = windows[windows.length - 1];
  let resetLagMs = 0;
  for (let k = 1; k < windows.length; k++) {
    const previous = windows[k - 1];
    const current = windows[k];
    if (previous && current) resetLagMs += current.openedAt - (previous.openedAt + shape.windowMs);
  }
  return {
    makespanMs: run.endedAt - run.startedAt,
    idealMs: idealMakespanMs(shape, serviceMs),
    startLagMs: first ? first.openedAt - run.startedAt : 0,
    extraWindows: Math.max(0, windows.length - windowsNeeded(shape)),
    resetLagMs,
    lastWindowExcessMs: last ? run.endedAt - last.openedAt - serviceMs : 0,
  };
}
