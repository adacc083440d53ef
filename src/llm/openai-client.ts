import OpenAI, { AzureOpenAI } from "openai";
import type { Logger } from "../observability/logger.ts";
import { keyFingerprint } from "../secrets/fingerprint.ts";
import { CapabilityMemory } from "./capability-memory.ts";
import { classifyError } from "./classify-error.ts";
import type { Clock } from "./clock.ts";
import {
  RateLimitedError,
  RetriesExhaustedError,
  StreamAbortedError,
  UnsupportedFieldError,
} from "./errors.ts";
import { IdleWatch, nextBefore } from "./idle-watch.ts";
import { createObservedFetch, onBodyBytes } from "./observed-fetch.ts";
import { readSnapshot } from "./rate-limit-headers.ts";
import { QuotaWaitTooLong, type RateLimiter, type RateLimitPermit } from "./rate-limiter.ts";
import type { RetryPolicy } from "./retry-policy.ts";
import { StreamNormalizer } from "./stream-normalizer.ts";
import type { ContentPiece } from "./think-tag-splitter.ts";
import type { ChatRequest, LlmChunk, LlmClient, StreamOptions, TokenUsage } from "./types.ts";

export interface OpenAiChatClientOptions {
  apiKey: string;
  baseURL?: string | undefined;
  /** Wait for headers, and between chunks, before an attempt is abandoned. */
  timeoutMs: number;
  policy: RetryPolicy;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  /** Observes each attempt's outcome (metrics). */
  onAttempt?: (outcome: AttemptOutcome, attempt: number) => void;
  /** Injected for tests of other transports; the official SDK by default. */
  sdk?: OpenAI;
  /** Azure OpenAI: `baseURL` is the resource endpoint and the request's model the deployment. */
  azure?: { apiVersion: string } | undefined;
  /** What endpoints refused; shared by clients of one endpoint. A fresh memory by default. */
  capabilities?: CapabilityMemory;
}

/** The key requests are sent with, and its fingerprint for logs and usage records. */
interface Credentials {
  sdk: OpenAI;
  keyFingerprint: string;
}

/** What a key check could tell: the endpoint accepted the key, or it cannot list models at all. */
export type KeyCheck = "accepted" | "unverifiable";

/** The endpoint refused a key (401 or 403 on the models list). */
export class KeyRefusedError extends Error {
  constructor(readonly status: number) {
    super(`the endpoint refused the key (HTTP ${status})`);
    this.name = "KeyRefusedError";
  }
}

export type AttemptOutcome = "ok" | "interrupted" | "rate_limited" | "retryable_error" | "fatal_error";

/**
 * The official SDK with its retries off; every retry, wait and pacing decision is made here so that
 * rate limits are handled once, consistently, and visibly in the logs and metrics.
 */
export class OpenAiChatClient implements LlmClient {
  private credentials: Credentials;
  private readonly capabilities: CapabilityMemory;
  private readonly endpoint: string;

  constructor(private readonly options: OpenAiChatClientOptions) {
    this.capabilities = options.capabilities ?? new CapabilityMemory();
    this.endpoint = options.baseURL ?? "default";
    if (options.azure && !options.baseURL) {
      throw new Error("OPENAI_PROVIDER=azure needs OPENAI_BASE_URL, the resource endpoint");
    }
    this.credentials = {
      sdk: options.sdk ?? this.sdkFor(options.apiKey),
      keyFingerprint: keyFingerprint(options.apiKey),
    };
  }

  /** The fingerprint of the key new requests are sent with. */
  get keyFingerprint(): string {
    return this.credentials.keyFingerprint;
  }

  /**
   * Sends new attempts with `apiKey`. An attempt already under way keeps the key it was sent with, so
   * an answer in flight finishes as it started.
   */
  useApiKey(apiKey: string): void {
    this.credentials = { sdk: this.sdkFor(apiKey), keyFingerprint: keyFingerprint(apiKey) };
  }

  /**
   * Asks the endpoint to list its models with `apiKey`, the cheapest authenticated call there is.
   * Throws `KeyRefusedError` on 401/403; an endpoint without a models list (404 and the like) cannot
   * tell, and a key it cannot check is not refused for that.
   */
  async checkApiKey(apiKey: string): Promise<KeyCheck> {
    try {
      await this.sdkFor(apiKey).models.list();
      return "accepted";
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 401 || status === 403) throw new KeyRefusedError(status);
      if (typeof status === "number") return "unverifiable";
      throw error;
    }
  }

  private sdkFor(apiKey: string): OpenAI {
    const { options } = this;
    const common = {
      apiKey,
      maxRetries: 0,
      timeout: options.timeoutMs,
      fetch: createObservedFetch(),
      // The SDK logs unparsable stream chunks, which are model text: debug level only, never stderr.
      logger: sdkLogger(options.logger),
    };
    return options.azure
      ? // The key goes in the api-key header; the model names the deployment in the URL.
        new AzureOpenAI({ ...common, endpoint: options.baseURL, apiVersion: options.azure.apiVersion })
      : new OpenAI({ ...common, baseURL: options.baseURL ?? null });
  }

  async *stream(request: ChatRequest, options: StreamOptions = {}): AsyncGenerator<LlmChunk> {
    const { clock, policy, limiter } = this.options;
    const deadline = clock.now() + policy.deadlineMs;
    const estimate = (request.promptTokens ?? 0) + request.maxTokens;
    for (let attempt = 1; ; attempt++) {
      let permit: Awaited<ReturnType<RateLimiter["acquire"]>>;
      try {
        permit = await limiter.acquire(estimate, {
          deadline,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(request.fairness ? { fairness: request.fairness } : {}),
        });
      } catch (error) {
        if (error instanceof QuotaWaitTooLong) {
          throw new RateLimitedError("rate limit wait exceeds the deadline", error.waitMs, { cause: error });
        }
        throw error;
      }
      let delivered = false;
      let usage: TokenUsage | undefined;
      // Read once per attempt: a key swapped in meanwhile is for the next attempt, not this one.
      const credentials = this.credentials;
      const logger = this.options.logger.child({ keyFingerprint: credentials.keyFingerprint });
      try {
        for await (const chunk of this.attempt(request, permit, credentials, options.signal)) {
          if (chunk.type === "delta") delivered = true;
          else if (chunk.type === "done") {
            usage = chunk.usage;
            logger.info(
              {
                model: request.model,
                attempt,
                promptTokens: usage?.promptTokens,
                completionTokens: usage?.completionTokens,
              },
              "llm call finished",
            );
          }
          yield chunk;
        }
        this.options.onAttempt?.("ok", attempt);
        return;
      } catch (raw) {
        if (options.signal?.aborted) {
          // Aborted by the caller: never a finished answer, and never retried.
          this.options.onAttempt?.("interrupted", attempt);
          if (delivered) {
            yield cutShort(credentials.keyFingerprint);
            return;
          }
          throw raw instanceof StreamAbortedError
            ? raw
            : new StreamAbortedError("stream aborted by the caller", undefined, { cause: raw });
        }
        const error = classifyError(raw, clock.now(), { estimateTokens: estimate });
        if (
          error instanceof UnsupportedFieldError &&
          error.field === "stream_options" &&
          this.capabilities.remember(this.endpoint, "stream_options")
        ) {
          // Once per endpoint: ask again at once without the field (usage is then estimated).
          logger.warn(
            { err: error.message, field: error.field },
            "llm endpoint refused a field; asking without it",
          );
          this.options.onAttempt?.("retryable_error", attempt);
          continue;
        }
        if (delivered) {
          // Text already reached the user: a retry would print a second copy. End with what arrived.
          logger.warn({ err: error.message, attempt }, "llm stream broke after the first delta");
          this.options.onAttempt?.("interrupted", attempt);
          yield cutShort(credentials.keyFingerprint);
          return;
        }
        const delay = policy.delayAfter(error, attempt);
        if (error instanceof RateLimitedError) {
          // One 429 pauses everyone queued behind us, not just this request: the server's hint, or
          // this attempt's backoff step when it gave none.
          const pause = error.retryAfterMs ?? delay;
          if (pause !== undefined) await limiter.coolDown(clock.now() + pause);
        }
        this.options.onAttempt?.(
          error instanceof RateLimitedError
            ? "rate_limited"
            : error.retryable
              ? "retryable_error"
              : "fatal_error",
          attempt,
        );
        logger.warn(
          { err: error.message, kind: error.name, status: error.status, attempt, retryInMs: delay },
          "llm attempt failed",
        );
        if (delay === undefined) {
          throw error.retryable
            ? new RetriesExhaustedError(`gave up after ${attempt} attempts`, error)
            : error;
        }
        if (clock.now() + delay > deadline) {
          throw new RetriesExhaustedError("retry would pass the deadline", error);
        }
        if (!(error instanceof RateLimitedError)) await clock.sleep(delay, options.signal);
      } finally {
        permit.release(usage ? usage.promptTokens + usage.completionTokens : undefined);
      }
    }
  }

  /** One HTTP attempt: yields deltas and a final `done`, or throws what went wrong. */
  private async *attempt(
    request: ChatRequest,
    permit: RateLimitPermit,
    credentials: Credentials,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<LlmChunk> {
    const { clock, limiter, timeoutMs } = this.options;
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", forwardAbort, { once: true });
    const sentAt = clock.now();
    let completed = false;
    const cleanups: (() => void)[] = [];
    try {
      const { data: stream, response } = await credentials.sdk.chat.completions
        .create(
          {
            model: request.model,
            messages: request.messages.map(({ role, content }) => ({ role, content })),
            max_tokens: request.maxTokens,
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            ...(request.topP !== undefined ? { top_p: request.topP } : {}),
            stream: true,
            ...(this.capabilities.refuses(this.endpoint, "stream_options")
              ? {}
              : { stream_options: { include_usage: true } }),
          },
          { signal: controller.signal, timeout: timeoutMs, maxRetries: 0 },
        )
        .withResponse();
      // Reset times count from when the server looked at the request: somewhere between our send and
      // the headers' arrival. The midpoint wastes half a time-to-first-byte per window instead of a
      // whole one, and a request sent at that reset still arrives after it.
      const seenAt = sentAt + (clock.now() - sentAt) / 2;
      await limiter.observe(readSnapshot(response.headers, seenAt + RESET_MARGIN_MS), permit);

      const normalizer = new StreamNormalizer();
      const iterator = stream[Symbol.asyncIterator]();
      // The SDK times out only the wait for headers; a stream that goes silent is ours to end.
      const watch = new IdleWatch(timeoutMs, () => controller.abort());
      const stopWatching = onBodyBytes(response, () => watch.touch());
      cleanups.push(() => {
        stopWatching();
        watch.stop();
      });
      for (;;) {
        const next = await nextBefore(iterator, watch, controller);
        if (next.done) {
          // The SDK ends an aborted stream as if it had finished; it did not.
          if (controller.signal.aborted) throw new StreamAbortedError("stream aborted by the caller");
          break;
        }
        yield* toChunks(normalizer.accept(next.value));
      }
      yield* toChunks(normalizer.finish());
      completed = true;
      yield {
        type: "done",
        usage: normalizer.usage,
        finishReason: normalizer.finishReason,
        interrupted: false,
        reasoned: normalizer.reasoned,
        keyFingerprint: credentials.keyFingerprint,
      };
    } finally {
      signal?.removeEventListener("abort", forwardAbort);
      for (const cleanup of cleanups) cleanup();
      // Only a stream left behind holds a socket; aborting a finished one costs a DOMException per answer.
      if (!completed) controller.abort();
    }
  }
}

function* toChunks(pieces: ContentPiece[]): Generator<LlmChunk> {
  for (const piece of pieces) {
    if (piece.kind === "answer") yield { type: "delta", text: piece.text };
    else yield { type: piece.kind };
  }
}

/** Added to the send time when learning a reset time, so a window is never reopened early. */
const RESET_MARGIN_MS = 10;

/** Routes the SDK's own log calls into pino at debug level (they can quote model output). */
function sdkLogger(logger: Logger) {
  const log =
    (level: string) =>
    (message: string, ...rest: unknown[]) =>
      logger.debug(
        { sdkLevel: level, detail: rest.map(String).join(" ").slice(0, 500) },
        `openai sdk: ${message}`,
      );
  return { error: log("error"), warn: log("warn"), info: log("info"), debug: log("debug") };
}

/** The end of a stream that broke (or was stopped) after text reached the user: what arrived is all. */
function cutShort(keyFingerprint: string): LlmChunk {
  return { type: "done", usage: undefined, finishReason: undefined, interrupted: true, keyFingerprint };
}
