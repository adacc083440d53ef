import type { IncomingMessage, ServerResponse } from "node:http";
import { createLocalServer, readBody, sendJson } from "../../test/fakes/http.ts";
import type { CompletionBody } from "../fakes/rate-limited-openai.ts";
import { chatChunkFrames } from "../fakes/sse-chunks.ts";
import { type AnswerPlan, planOf } from "./plan.ts";

/**
 * A bucket as OpenAI describes its limits: `limit` per period, replenished continuously, so that
 * `x-ratelimit-reset-*` (time until full) of one used request is period / limit.
 */
export class ContinuousBucket {
  private level: number;
  private at: number;

  constructor(
    readonly limit: number,
    readonly periodMs: number,
    now: number,
    startLevel = limit,
  ) {
    this.level = startLevel;
    this.at = now;
  }

  available(now: number): number {
    this.level = Math.min(this.limit, this.level + ((now - this.at) * this.limit) / this.periodMs);
    this.at = Math.max(this.at, now);
    return this.level;
  }

  /** Milliseconds until `amount` is available (0 = now). */
  waitFor(amount: number, now: number): number {
    const missing = amount - this.available(now);
    return missing <= 0 ? 0 : (missing * this.periodMs) / this.limit;
  }

  take(amount: number, now: number): void {
    this.available(now);
    this.level -= amount;
  }

  /** Time until full again: what OpenAI sends as `x-ratelimit-reset-*`. */
  resetMs(now: number): number {
    return ((this.limit - this.available(now)) * this.periodMs) / this.limit;
  }
}

export interface ContinuousLimits {
  /** Requests and tokens per period (a provider minute, scaled). */
  requests: number;
  tokens: number;
  periodMs: number;
  /** Fraction of the buckets full at the start: 1 = a rested account, 0 = one that is overloaded already. */
  startFull: number;
}

export interface ProviderOptions extends ContinuousLimits {
  /** Real milliseconds per simulated second (time compression: 1000 / scale). */
  msPerSecond: number;
  /** Real milliseconds between two streamed chunks. */
  chunkIntervalMs: number;
}

export interface ProviderCounts {
  requests: number;
  admitted: number;
  rejected: number;
  /** Lowest bucket levels after an admission (never below 0 when the fake admits correctly). */
  lowestRequests: number;
  lowestTokens: number;
}

export interface ContinuousOpenAI {
  readonly url: string;
  /** Starts the limits afresh (buckets at their start level) at `epochMs` (performance.timeOrigin + now). */
  begin(epochMs: number): void;
  counts(): ProviderCounts;
  close(): Promise<void>;
}

/** OpenAI's duration style: "120ms", "1.5s", "6m0s". */
export function openAiDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole < 1000) return `${whole}ms`;
  if (whole < 60_000) return `${Number((whole / 1000).toFixed(3))}s`;
  const minutes = Math.floor(whole / 60_000);
  return `${minutes}m${Number(((whole - minutes * 60_000) / 1000).toFixed(3))}s`;
}

/** The wait in OpenAI's 429 message: "644ms", "20s", "26.604s" (seconds also past a minute). */
function messageDuration(ms: number): string {
  const whole = Math.max(1, Math.ceil(ms));
  return whole < 1000 ? `${whole}ms` : `${Number((whole / 1000).toFixed(3))}s`;
}

/** What the provider counts against the token limit: the prompt estimate plus max_tokens, as OpenAI does. */
export function requestCost(body: CompletionBody): number {
  const promptChars = body.messages.reduce((total, message) => total + message.content.length, 0);
  return Math.ceil(promptChars / 4) + (body.max_tokens ?? 0);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An OpenAI-compatible server with OpenAI's kind of limits: request and token buckets refilled
 * continuously, checked on arrival. Every response carries x-ratelimit-limit/remaining/reset for
 * requests and tokens; a 429 carries OpenAI's error body (type "requests" or "tokens", code
 * "rate_limit_exceeded", "Please try again in …") and `retry-after` in fractional seconds (time is
 * compressed). Answers follow the question's plan (time to first token, length, speed).
 */
export async function startContinuousOpenAI(options: ProviderOptions): Promise<ContinuousOpenAI> {
  const now = () => performance.now();
  const buckets = (at: number) => ({
    requests: new ContinuousBucket(
      options.requests,
      options.periodMs,
      at,
      options.requests * options.startFull,
    ),
    tokens: new ContinuousBucket(options.tokens, options.periodMs, at, options.tokens * options.startFull),
  });
  let { requests, tokens } = buckets(now());
  const counts: ProviderCounts = {
    requests: 0,
    admitted: 0,
    rejected: 0,
    lowestRequests: Number.POSITIVE_INFINITY,
    lowestTokens: Number.POSITIVE_INFINITY,
  };

  const headers = (at: number): Record<string, string> => ({
    "x-ratelimit-limit-requests": String(options.requests),
    "x-ratelimit-limit-tokens": String(options.tokens),
    "x-ratelimit-remaining-requests": String(Math.max(0, Math.floor(requests.available(at)))),
    "x-ratelimit-remaining-tokens": String(Math.max(0, Math.floor(tokens.available(at)))),
    "x-ratelimit-reset-requests": openAiDuration(requests.resetMs(at)),
    "x-ratelimit-reset-tokens": openAiDuration(tokens.resetMs(at)),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      sendJson(res, 404, {
        error: { message: "not found", type: "invalid_request_error", param: null, code: null },
      });
      return;
    }
    const body = JSON.parse(raw) as CompletionBody;
    const at = now();
    counts.requests++;
    const cost = requestCost(body);
    const requestWait = requests.waitFor(1, at);
    const tokenWait = tokens.waitFor(cost, at);
    if (requestWait > 0 || tokenWait > 0) {
      counts.rejected++;
      const byTokens = tokenWait > requestWait;
      const waitMs = Math.max(requestWait, tokenWait);
      const limit = byTokens ? options.tokens : options.requests;
      const used = Math.ceil(limit - (byTokens ? tokens : requests).available(at));
      const kind = byTokens ? "tokens per min (TPM)" : "requests per min (RPM)";
      sendJson(
        res,
        429,
        {
          error: {
            message:
              `Rate limit reached for ${body.model} in organization org-bench on ${kind}: Limit ${limit}, ` +
              `Used ${used}, Requested ${byTokens ? cost : 1}. Please try again in ${messageDuration(waitMs)}. ` +
              "Visit https://platform.openai.com/account/rate-limits to learn more.",
            type: byTokens ? "tokens" : "requests",
            param: null,
            code: "rate_limit_exceeded",
          },
        },
        { "retry-after": (waitMs / 1000).toFixed(3), ...headers(at) },
      );
      return;
    }
    requests.take(1, at);
    tokens.take(cost, at);
    counts.admitted++;
    counts.lowestRequests = Math.min(counts.lowestRequests, requests.available(at));
    counts.lowestTokens = Math.min(counts.lowestTokens, tokens.available(at));
    await stream(res, body, planOf(body), headers(at), cost - (body.max_tokens ?? 0));
  }

  async function stream(
    res: ServerResponse,
    body: CompletionBody,
    plan: AnswerPlan,
    quota: Record<string, string>,
    promptTokens: number,
  ): Promise<void> {
    const id = `chatcmpl-c${counts.admitted}`;
    const frames = chatChunkFrames(id, body.model);
    res.writeHead(200, { "content-type": "text/event-stream", ...quota });
    res.write(frames.delta({ role: "assistant", content: "" }, null));
    const ms = options.msPerSecond;
    const started = performance.now();
    await delay(plan.firstTokenSeconds * ms);
    const perChunk = Math.max(1, Math.round((plan.tokensPerSecond * options.chunkIntervalMs) / ms));
    for (let sent = 0; sent < plan.tokens; ) {
      if (res.destroyed) return;
      const n = Math.min(perChunk, plan.tokens - sent);
      res.write(frames.delta({ content: " word".repeat(n) }, null));
      sent += n;
      // Paced from the start, so timer lateness does not add up over a long answer.
      const due = started + (plan.firstTokenSeconds + sent / plan.tokensPerSecond) * ms;
      if (sent < plan.tokens) await delay(Math.max(0, due - performance.now()));
    }
    res.write(frames.delta({}, "stop"));
    if (body.stream_options?.include_usage) {
      const usage = {
        prompt_tokens: promptTokens,
        completion_tokens: plan.tokens,
        total_tokens: promptTokens + plan.tokens,
      };
      res.write(frames.usage(usage));
    }
    res.end("data: [DONE]\n\n");
  }

  const server = createLocalServer(handle);
  const port = await server.listen();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    begin: (epochMs) => {
      ({ requests, tokens } = buckets(epochMs - performance.timeOrigin));
    },
    counts: () => ({ ...counts }),
    close: () => server.close(),
  };
}
