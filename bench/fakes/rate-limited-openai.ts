import type { IncomingMessage, ServerResponse } from "node:http";
import { createLocalServer, readBody, sendJson } from "../../test/fakes/http.ts";
import { chatChunkFrames } from "./sse-chunks.ts";

/** The parts of a chat-completions body this fake reads. */
export interface CompletionBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
}

export interface RateLimitedOpenAIOptions {
  /** Requests admitted per window. */
  requestsPerWindow: number;
  /** A window opens with the first request after the previous one closed (so "ideal" is well defined). */
  windowMs: number;
  /** Optional token budget per window; a request costs ceil(prompt chars / 4) + max_tokens, as providers estimate. */
  tokensPerWindow?: number;
  /** Time to response headers of an admitted request. */
  firstByteMs?: number;
  /** Content chunks of a streamed answer, `chunkDelayMs` apart. */
  chunks?: number;
  chunkDelayMs?: number;
  answer?: (body: CompletionBody) => string;
  /** The fake's notion of time (ms); tests pass the bot's jumping clock so windows follow its sleeps. */
  now?: () => number;
  /** Called when a content chunk has been handed to the socket (streaming latency). */
  onChunk?: (event: { requestIndex: number; chunkIndex: number; at: number }) => void;
}

export interface FakeWindow {
  /** `now()` when the window's first request arrived. */
  openedAt: number;
  admitted: number;
}

export interface FakeCounts {
  requests: number;
  admitted: number;
  rejected: number;
  /** Windows in order with their admitted requests; none may exceed the limit. */
  windows: FakeWindow[];
}

export interface RateLimitedOpenAI {
  /** Base URL for the SDK, e.g. http://127.0.0.1:1234/v1 */
  readonly url: string;
  counts(): FakeCounts;
  close(): Promise<void>;
}

const defaultAnswer = (body: CompletionBody) =>
  `Echo: ${[...body.messages].reverse().find((message) => message.role === "user")?.content ?? ""}`;

/** OpenAI's duration style: "850ms", "1.25s". */
export function formatResetDuration(ms: number): string {
  const clamped = Math.max(0, Math.ceil(ms));
  return clamped < 1000 ? `${clamped}ms` : `${(clamped / 1000).toFixed(3)}s`;
}

function split(text: string, n: number): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / Math.max(1, n)));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""));
  return out;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An OpenAI-compatible server enforcing R requests (and optionally T tokens) per fixed window. A 429
 * carries `retry-after` (fractional seconds: time is scaled down, so whole seconds would be far too
 * coarse) and x-ratelimit-* headers; a 200 carries x-ratelimit-limit/remaining/reset-* headers.
 */
export async function startRateLimitedOpenAI(options: RateLimitedOpenAIOptions): Promise<RateLimitedOpenAI> {
  const now = options.now ?? Date.now;
  const answer = options.answer ?? defaultAnswer;
  const counts: FakeCounts = { requests: 0, admitted: 0, rejected: 0, windows: [] };
  let windowEnd = Number.NEGATIVE_INFINITY;
  let usedRequests = 0;
  let usedTokens = 0;

  const quotaHeaders = (at: number): Record<string, string> => {
    const reset = formatResetDuration(windowEnd - at);
    const headers: Record<string, string> = {
      "x-ratelimit-limit-requests": String(options.requestsPerWindow),
      "x-ratelimit-remaining-requests": String(Math.max(0, options.requestsPerWindow - usedRequests)),
      "x-ratelimit-reset-requests": reset,
    };
    if (options.tokensPerWindow !== undefined) {
      headers["x-ratelimit-limit-tokens"] = String(options.tokensPerWindow);
      headers["x-ratelimit-remaining-tokens"] = String(Math.max(0, options.tokensPerWindow - usedTokens));
      headers["x-ratelimit-reset-tokens"] = reset;
    }
    return headers;
  };

  /** Admission happens on arrival, before any latency, as at a provider's gateway. */
  const admit = (cost: number, at: number): boolean => {
    if (at >= windowEnd) {
      windowEnd = at + options.windowMs;
      usedRequests = 0;
      usedTokens = 0;
      counts.windows.push({ openedAt: at, admitted: 0 });
    }
    const tokensFit = options.tokensPerWindow === undefined || usedTokens + cost <= options.tokensPerWindow;
    if (usedRequests >= options.requestsPerWindow || !tokensFit) return false;
    usedRequests++;
    usedTokens += cost;
    const current = counts.windows[counts.windows.length - 1];
    if (current) current.admitted++;
    return true;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      sendJson(res, 404, {
        error: { message: "not found", type: "invalid_request_error", param: null, code: null },
      });
      return;
    }
    const body = JSON.parse(raw) as CompletionBody;
    const requestIndex = counts.requests++;
    const at = now();
    const promptChars = body.messages.reduce((total, message) => total + message.content.length, 0);
    const cost = Math.ceil(promptChars / 4) + (body.max_tokens ?? 0);
    if (!admit(cost, at)) {
      counts.rejected++;
      const waitMs = Math.max(1, windowEnd - at);
      sendJson(
        res,
        429,
        {
          error: {
            message: `Rate limit reached: limit ${options.requestsPerWindow} per window. Please try again in ${waitMs}ms.`,
            type: "requests",
            param: null,
            code: "rate_limit_exceeded",
          },
        },
        { "retry-after": (waitMs / 1000).toFixed(3), ...quotaHeaders(at) },
      );
      return;
    }
    counts.admitted++;
    const headers = quotaHeaders(at);
    if (options.firstByteMs) await delay(options.firstByteMs);
    const text = answer(body);
    const usage = {
      prompt_tokens: Math.ceil(promptChars / 4),
      completion_tokens: Math.ceil(text.length / 4),
      total_tokens: Math.ceil(promptChars / 4) + Math.ceil(text.length / 4),
    };
    const id = `chatcmpl-rl-${requestIndex}`;
    const created = Math.floor(Date.now() / 1000);
    if (!body.stream) {
      const total = (options.chunks ?? 1) * (options.chunkDelayMs ?? 0);
      if (total) await delay(total);
      const message = { role: "assistant", content: text };
      const choices = [{ index: 0, message, finish_reason: "stop" }];
      sendJson(
        res,
        200,
        { id, object: "chat.completion", created, model: body.model, choices, usage },
        headers,
      );
      return;
    }
    const frames = chatChunkFrames(id, body.model);
    res.writeHead(200, { "content-type": "text/event-stream", ...headers });
    res.write(frames.delta({ role: "assistant", content: "" }, null));
    const pieces = split(text, options.chunks ?? 3);
    for (const [chunkIndex, piece] of pieces.entries()) {
      if (chunkIndex > 0 && options.chunkDelayMs) await delay(options.chunkDelayMs);
      if (res.destroyed) return;
      res.write(frames.delta({ content: piece }, null));
      options.onChunk?.({ requestIndex, chunkIndex, at: performance.now() });
    }
    res.write(frames.delta({}, "stop"));
    if (body.stream_options?.include_usage) {
      res.write(frames.usage(usage));
    }
    res.end("data: [DONE]\n\n");
  }

  const server = createLocalServer(handle);
  const port = await server.listen();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    counts: () => ({ ...counts, windows: counts.windows.map((window) => ({ ...window })) }),
    close: () => server.close(),
  };
}
