import type { CacheProfile } from "./cache/measure.ts";
import type { GoodputProfile } from "./goodput/measure.ts";
import type { MemoryProfile } from "./memory/measure.ts";
import type { OverheadProfile } from "./overhead/measure.ts";
import type { RealisticProfile } from "./realistic/scenarios.ts";
import type { StreamingProfile } from "./streaming/measure.ts";

export interface BenchProfile {
  name: "quick" | "full";
  goodput: GoodputProfile;
  overhead: OverheadProfile;
  cache: CacheProfile;
  memory: MemoryProfile;
  streaming: StreamingProfile;
  realistic: RealisticProfile;
}

/** Time is scaled down: a window of seconds stands for a provider's minute. */
export const fullProfile: BenchProfile = {
  name: "full",
  goodput: {
    shape: {
      requestsPerWindow: 20,
      windowMs: 3000,
      questions: 60,
      firstByteMs: 100,
      chunks: 5,
      chunkDelayMs: 30,
    },
    repetitions: 5,
  },
  overhead: {
    messagesPerRun: { oneThread: 400, manyThreads: 3000 },
    warmup: 500,
    repetitions: 5,
    manyThreads: 200,
  },
  cache: {
    questions: 1000,
    distinct: 50,
    inFlight: 20,
    repetitions: 5,
    baselineRepetitions: 3,
    chunks: 4,
    chunkDelayMs: 15,
  },
  memory: {
    conversations: 10_000,
    turnsPerConversation: 20,
    soakConversations: 200_000,
    soakSamples: 20,
    inFlight: 100,
  },
  streaming: { durationMs: 30_000, chunkIntervalMs: 100, firstByteMs: 400, repetitions: 3 },
  realistic: {
    msPerSecond: 100,
    seconds: 480,
    requestsPerMinute: 20,
    tokensPerMinute: 100_000,
    deadlineSeconds: 60,
    chunkIntervalMs: 10,
  },
};

/** About a minute: smaller bursts and fewer messages, a shorter stream; same shapes and goals. */
export const quickProfile: BenchProfile = {
  name: "quick",
  goodput: {
    shape: {
      requestsPerWindow: 10,
      windowMs: 1500,
      questions: 30,
      firstByteMs: 80,
      chunks: 4,
      chunkDelayMs: 25,
    },
    repetitions: 3,
  },
  overhead: {
    messagesPerRun: { oneThread: 100, manyThreads: 600 },
    warmup: 150,
    repetitions: 3,
    manyThreads: 200,
  },
  cache: {
    questions: 1000,
    distinct: 50,
    inFlight: 20,
    repetitions: 3,
    baselineRepetitions: 1,
    chunks: 3,
    chunkDelayMs: 8,
  },
  memory: {
    conversations: 10_000,
    turnsPerConversation: 20,
    soakConversations: 100_000,
    soakSamples: 10,
    inFlight: 100,
  },
  streaming: { durationMs: 6000, chunkIntervalMs: 100, firstByteMs: 400, repetitions: 2 },
  realistic: {
    msPerSecond: 50,
    seconds: 240,
    requestsPerMinute: 20,
    tokensPerMinute: 100_000,
    deadlineSeconds: 60,
    chunkIntervalMs: 10,
  },
};
