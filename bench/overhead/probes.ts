import type { AnswerCache, CachedAnswer } from "../../src/cache/answer-cache.ts";
import { HistoryWindow } from "../../src/conversation/history-window.ts";
import { TokenCounter } from "../../src/conversation/token-counter.ts";
import type { LlmChunk, LlmClient } from "../../src/llm/types.ts";

/**
 * Per-call durations by stage. Probes time only synchronous work (the in-memory stores, the window
 * and the tokenizer do all theirs synchronously), so interleaving with other threads cannot inflate
 * them; the client's wall time is recorded separately because it includes waiting on the network.
 */
export class StageSamples {
  private readonly byStage = new Map<string, number[]>();

  record(stage: string, ms: number): void {
    let list = this.byStage.get(stage);
    if (!list) {
      list = [];
      this.byStage.set(stage, list);
    }
    list.push(ms);
  }

  stages(): string[] {
    return [...this.byStage.keys()];
  }

  samples(stage: string): number[] {
    return this.byStage.get(stage) ?? [];
  }
}

export const STAGES = {
  window: "window building (excl. token counting)",
  tokens: "token counting (gpt-tokenizer)",
  cache: "answer cache (lookup, insert, coalescing)",
  history: "history store (read + append)",
  settings: "settings store (2 reads)",
  usage: "usage counters and leaderboards",
  clientWall: "client + SDK + HTTP (wall time, incl. loopback wait)",
} as const;

/**
 * Wraps TokenCounter and HistoryWindow methods on their prototypes, so the engine exactly as
 * createServices wires it is measured. Returns the function that restores the originals.
 */
export function installPrototypeProbes(samples: StageSamples): () => void {
  const originalCount = TokenCounter.prototype.count;
  const originalTruncate = TokenCounter.prototype.truncate;
  const originalBuild = HistoryWindow.prototype.build;
  let countingMs = 0;
  const timedCounting = <A extends unknown[], R>(original: (...args: A) => R) =>
    function (this: TokenCounter, ...args: A): R {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const elapsed = performance.now() - started;
        countingMs += elapsed;
        samples.record(STAGES.tokens, elapsed);
      }
    };
  TokenCounter.prototype.count = timedCounting(originalCount);
  TokenCounter.prototype.truncate = timedCounting(originalTruncate);
  HistoryWindow.prototype.build = function (
    this: HistoryWindow,
    ...args: Parameters<HistoryWindow["build"]>
  ) {
    const countingBefore = countingMs;
    const started = performance.now();
    try {
      return originalBuild.apply(this, args);
    } finally {
      samples.record(STAGES.window, performance.now() - started - (countingMs - countingBefore));
    }
  };
  return () => {
    TokenCounter.prototype.count = originalCount;
    TokenCounter.prototype.truncate = originalTruncate;
    HistoryWindow.prototype.build = originalBuild;
  };
}

function timeSync<T>(samples: StageSamples, stage: string, work: () => T): T {
  const started = performance.now();
  try {
    return work();
  } finally {
    samples.record(stage, performance.now() - started);
  }
}

/**
 * Times the synchronous part of chosen methods of a store and passes everything else through, so a
 * store interface that grows a method keeps working here.
 */
export function timedStore<T extends object>(
  inner: T,
  samples: StageSamples,
  stage: string,
  methods: readonly string[],
): T {
  const timed = new Set(methods);
  return new Proxy(inner, {
    get(target, property, _receiver) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property !== "string" || !timed.has(property)) return method.bind(target);
      return (...args: unknown[]) => timeSync(samples, stage, () => method.apply(target, args));
    },
  });
}

/** Times the cache's own synchronous work, excluding the computation it starts on a miss. */
export class TimedAnswerCache implements AnswerCache {
  constructor(
    private readonly inner: AnswerCache,
    private readonly samples: StageSamples,
  ) {}
  resolve(key: string, compute: () => Promise<CachedAnswer>) {
    let computingMs = 0;
    const started = performance.now();
    try {
      return this.inner.resolve(key, () => {
        const computeStarted = performance.now();
        try {
          return compute();
        } finally {
          computingMs += performance.now() - computeStarted;
        }
      });
    } finally {
      this.samples.record(STAGES.cache, performance.now() - started - computingMs);
    }
  }
  stats() {
    return this.inner.stats();
  }
}

export class TimedLlmClient implements LlmClient {
  constructor(
    private readonly inner: LlmClient,
    private readonly samples: StageSamples,
  ) {}
  async *stream(...args: Parameters<LlmClient["stream"]>): AsyncGenerator<LlmChunk> {
    const started = performance.now();
    try {
      yield* this.inner.stream(...args);
    } finally {
      this.samples.record(STAGES.clientWall, performance.now() - started);
    }
  }
}
