import { performance } from "node:perf_hooks";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AnswerCache, CacheStats } from "../cache/answer-cache.ts";
import type { EngineObserver } from "../engine/engine.ts";
import type { ConversationEngine } from "../engine/types.ts";
import type { AttemptOutcome } from "../llm/openai-client.ts";
import type { RateLimiter } from "../llm/rate-limiter.ts";

/** What the process can report on at scrape time. */
export interface MetricsSources {
  limiter?: RateLimiter;
  cache?: AnswerCache | undefined;
  /** Redis reachable (only when REDIS_URL is set). */
  redisReady?: () => boolean;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag); on by default, off in tests that compare output. */
  processMetrics?: boolean;
}

// Latencies of a chat answer: 100 ms to two minutes.
const latencyBuckets = [0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120];

/**
 * The bot's Prometheus metrics on a registry of its own (tests create as many as they like). Adapters
 * count messages; the LLM client reports attempts; the engine's observer reports answers;
 * `instrument()` times answers; `watch()` reads the limiter and the cache at scrape time.
 */
export class BotMetrics {
  readonly registry = new Registry();
  /** Adapters: `metrics.messages.inc({ platform, kind })`, kind e.g. mention, dm, thread, command. */
  readonly messages: Counter<"platform" | "kind">;
  readonly llmRequests: Counter<"outcome">;
  readonly llmRetries: Counter;
  readonly llmRateLimited: Counter;
  readonly answers: Counter<"cache" | "result">;
  readonly timeToFirstToken: Histogram<"platform">;
  readonly timeToAnswer: Histogram<"platform" | "result">;
  readonly tokens: Counter<"direction">;
  /** Requests to /slack/events refused before their body was read or verified, by reason. */
  readonly slackRejected: Counter<"reason">;
  /** Unix seconds of the last time the secrets were loaded without a refusal: at start, then on reloads. */
  readonly secretsLoaded: Gauge;
  private sources: MetricsSources = {};

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.messages = new Counter({
      name: "bot_messages_total",
      help: "Messages the bot took in, by platform and kind (mention, dm, thread, command).",
      labelNames: ["platform", "kind"] as const,
      registers,
    });
    this.llmRequests = new Counter({
      name: "bot_llm_requests_total",
      help: "Upstream chat-completion attempts by outcome (ok, interrupted, rate_limited, retryable_error, fatal_error).",
      labelNames: ["outcome"] as const,
      registers,
    });
    this.llmRetries = new Counter({
      name: "bot_llm_retries_total",
      help: "Upstream attempts that were retries of an earlier attempt.",
      registers,
    });
    this.llmRateLimited = new Counter({
      name: "bot_llm_rate_limited_total",
      help: "Upstream attempts answered with a rate limit (429).",
      registers,
    });
    this.answers = new Counter({
      name: "bot_answers_total",
      help: "Answers given, by cache outcome (hit, miss, coalesced, bypass) and result (ok or the error code).",
      labelNames: ["cache", "result"] as const,
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: "bot_time_to_first_token_seconds",
      help: "From taking a question to the first streamed text.",
      labelNames: ["platform"] as const,
      buckets: latencyBuckets,
      registers,
    });
    this.timeToAnswer = new Histogram({
      name: "bot_answer_duration_seconds",
      help: "From taking a question to the final answer (or error).",
      labelNames: ["platform", "result"] as const,
      buckets: latencyBuckets,
      registers,
    });
    this.tokens = new Counter({
      name: "bot_llm_tokens_total",
      help: "Tokens sent to (in) and received from (out) the model, as reported or counted.",
      labelNames: ["direction"] as const,
      registers,
    });
    this.slackRejected = new Counter({
      name: "bot_slack_rejected_requests_total",
      help: "Requests to /slack/events refused before Bolt saw them (unsigned, stale, future, bad_signature, too_large, busy).",
      labelNames: ["reason"] as const,
      registers,
    });
    this.secretsLoaded = new Gauge({
      name: "bot_secrets_last_reload_timestamp_seconds",
      help: "When the secrets in use were last loaded without a refusal: at start, then on each SIGHUP or secret file change.",
      registers,
    });
    this.registerScrapedMetrics();
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** For `OpenAiChatClient`'s `onAttempt`; `attempt` is 1 for the first try of a question. */
  readonly recordAttempt = (outcome: AttemptOutcome, attempt: number): void => {
    this.llmRequests.inc({ outcome });
    if (attempt > 1) this.llmRetries.inc();
    if (outcome === "rate_limited") this.llmRateLimited.inc();
  };

  /** For the engine's `observer` option. */
  readonly engineObserver: EngineObserver = {
    answered: ({ cache, failure }) => this.answers.inc({ cache, result: failure ?? "ok" }),
  };

  /** Sets what is read at scrape time: in-flight and queued requests, cool-down time, cache counts. */
  watch(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
    if (sources.redisReady) this.registerRedisUp();
  }

  /** The same engine, with time to first token, time to answer and tokens recorded per answer. */
  instrument(engine: ConversationEngine): ConversationEngine {
    const metrics = this;
    return {
      localeOf: (turn) => engine.localeOf(turn),
      async *ask(turn, options) {
        metrics.messages.inc({
          platform: turn.platform,
          kind: turn.origin === "command" ? "command" : turn.isDirectMessage ? "dm" : "channel",
        });
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        let streaming = false;
        for await (const event of engine.ask(turn, options)) {
          if (event.type === "delta" && !streaming) {
            streaming = true;
            metrics.timeToFirstToken.observe({ platform: turn.platform }, seconds());
          }
          if (event.type === "final") {
            const { result } = event;
            metrics.timeToAnswer.observe(
              { platform: turn.platform, result: result.failure?.code ?? "ok" },
              seconds(),
            );
            if (result.usage) {
              metrics.tokens.inc({ direction: "in" }, result.usage.promptTokens);
              metrics.tokens.inc({ direction: "out" }, result.usage.completionTokens);
            }
          }
          yield event;
        }
      },
      command: (command, turn, options) => engine.command(command, turn, options),
    };
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Values owned by the limiter and the cache, copied in when Prometheus scrapes. */
  private registerScrapedMetrics(): void {
    const metrics = this;
    const registers = [this.registry];
    new Gauge({
      name: "bot_llm_in_flight",
      help: "Upstream requests in flight in this process.",
      registers,
      collect() {
        this.set(metrics.sources.limiter?.stats().inFlight ?? 0);
      },
    });
    new Gauge({
      name: "bot_llm_queued",
      help: "Requests waiting for a slot, a budget or the end of a cool-down.",
      registers,
      collect() {
        this.set(metrics.sources.limiter?.stats().queued ?? 0);
      },
    });
    // Mean queue wait = rate(wait seconds) / rate(admitted); refused = told at once their wait was too long.
    const queueSeen = { admitted: 0, queueWaitMs: 0, refused: 0 };
    const queueCounter = (name: string, help: string, field: keyof typeof queueSeen, scale = 1) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          const total = metrics.sources.limiter?.stats()[field] ?? 0;
          if (total > queueSeen[field]) this.inc((total - queueSeen[field]) * scale);
          queueSeen[field] = Math.max(queueSeen[field], total);
        },
      });
    queueCounter(
      "bot_llm_queue_admitted_total",
      "Upstream requests let through by the pacing queue.",
      "admitted",
    );
    queueCounter(
      "bot_llm_queue_wait_seconds_total",
      "Time the admitted requests waited in the pacing queue, summed.",
      "queueWaitMs",
      1 / 1000,
    );
    queueCounter(
      "bot_llm_queue_refused_total",
      "Questions told at once that the rate limit would keep them past their deadline.",
      "refused",
    );
    new Gauge({
      name: "bot_llm_concurrency_limit",
      help: "Upstream requests allowed in flight now (LLM_MAX_CONCURRENCY, less after 429s without rate headers).",
      registers,
      collect() {
        this.set(metrics.sources.limiter?.stats().concurrencyLimit ?? 0);
      },
    });
    let coolDownSeen = 0;
    new Counter({
      name: "bot_llm_cooldown_seconds_total",
      help: "Cool-down time (all upstream requests paused) started by rate limits this process hit.",
      registers,
      collect() {
        const total = metrics.sources.limiter?.stats().coolDownMs ?? 0;
        if (total > coolDownSeen) this.inc((total - coolDownSeen) / 1000);
        coolDownSeen = Math.max(coolDownSeen, total);
      },
    });
    const cacheSeen: CacheStats = { hits: 0, misses: 0, coalesced: 0 };
    const outcomes = { hits: "hit", misses: "miss", coalesced: "coalesced" } as const;
    new Counter({
      name: "bot_cache_requests_total",
      help: "Answer cache lookups: hit, miss (computed here) or coalesced (waited for another computation).",
      labelNames: ["outcome"] as const,
      registers,
      collect() {
        const stats = metrics.sources.cache?.stats();
        for (const field of Object.keys(outcomes) as (keyof CacheStats)[]) {
          const value = stats?.[field] ?? 0;
          this.inc({ outcome: outcomes[field] }, Math.max(0, value - cacheSeen[field]));
          cacheSeen[field] = Math.max(cacheSeen[field], value);
        }
      },
    });
  }

  /**
   * Only with Redis configured: a gauge with no value would be exported as 0, and the documented
   * `bot_redis_up == 0` alert would fire on every deployment without Redis.
   */
  private registerRedisUp(): void {
    if (this.registry.getSingleMetric("bot_redis_up")) return;
    const metrics = this;
    new Gauge({
      name: "bot_redis_up",
      help: "1 when Redis is reachable, 0 during an outage; absent without REDIS_URL.",
      registers: [this.registry],
      collect() {
        const ready = metrics.sources.redisReady;
        if (ready) this.set(ready() ? 1 : 0);
      },
    });
  }
}

export function createMetrics(options?: MetricsOptions): BotMetrics {
  return new BotMetrics(options);
}
