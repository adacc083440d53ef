import type { IncomingMessage, ServerResponse } from "node:http";
import { createLocalServer, readBody, sendJson } from "./http.ts";

/** A chat-completions request body as the fake received it. */
export interface ReceivedRequest {
  model: string;
  messages: { role: string; content: string; name?: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  [key: string]: unknown;
}

export interface RequestInfo {
  body: ReceivedRequest;
  headers: IncomingMessage["headers"];
  /** 0-based index of this request since start (or the last reset). */
  index: number;
}

export type FakeResponse =
  /** A normal answer, streamed in `chunks` pieces when the request streams. */
  | {
      kind: "text";
      text: string;
      chunks?: number;
      /** Wait between chunks; 0 by default. */
      chunkDelayMs?: number;
      usage?: { prompt_tokens: number; completion_tokens: number } | null;
      finishReason?: string | null;
      headers?: Record<string, string>;
    }
  | { kind: "error"; status: number; body?: unknown; headers?: Record<string, string> }
  /** Accept the connection and never send headers. */
  | { kind: "stall-before-headers" }
  /** Send headers and `before` as deltas, then go silent without closing. */
  | { kind: "stall-mid-stream"; before: string }
  /** Send headers and `before` as deltas, then destroy the socket. */
  | { kind: "cut-mid-stream"; before: string }
  /** A 200 whose body is not valid JSON / SSE. */
  | { kind: "malformed"; contentType?: string; body?: string };

export type Responder = (request: RequestInfo) => FakeResponse | Promise<FakeResponse>;

export interface FakeOpenAI {
  /** Base URL to pass as OPENAI_BASE_URL, e.g. http://127.0.0.1:1234/v1 */
  readonly url: string;
  readonly requests: RequestInfo[];
  setResponder(responder: Responder): void;
  /** Authorization headers of the GET /models requests (the bot's cheap key check). */
  readonly modelListings: string[];
  /** From now on, requests with this key are answered 401 invalid_api_key, as for a revoked key. */
  refuseKey(key: string): void;
  /** Forget recorded requests and go back to the default echo responder. */
  reset(): void;
  close(): Promise<void>;
}

export function lastUserMessage(request: RequestInfo): string {
  const users = request.body.messages.filter((m) => m.role === "user");
  return users[users.length - 1]?.content ?? "";
}

export const echoResponder: Responder = (request) => ({
  kind: "text",
  text: `Echo: ${lastUserMessage(request)}`,
});

/** Splits text into n nearly equal pieces (by code point, so Chinese is never cut mid-character). */
function pieces(text: string, n: number): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / Math.max(1, n)));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""));
  return out.length > 0 ? out : [""];
}

/** Rough, deterministic usage numbers for the fake; tests compare against what the fake reports. */
function fakeUsage(request: ReceivedRequest, text: string) {
  const promptChars = request.messages.reduce((sum, m) => sum + m.content.length, 0);
  return { prompt_tokens: Math.ceil(promptChars / 4) + 3, completion_tokens: Math.ceil(text.length / 4) + 1 };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeOpenAI(initial: Responder = echoResponder): Promise<FakeOpenAI> {
  let responder = initial;
  const requests: RequestInfo[] = [];
  let counter = 0;
  const modelListings: string[] = [];
  const refusedKeys = new Set<string>();

  const server = createLocalServer(handle);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const bearer = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (refusedKeys.has(bearer)) {
      // OpenAI's answer to a revoked key: 401 with code invalid_api_key (its message quotes part of
      // the key; this fake does not, so that a leak scan of logs stays meaningful).
      sendJson(res, 401, {
        error: {
          message: "Incorrect API key provided.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      });
      return;
    }
    if (req.method === "GET" && req.url?.endsWith("/models")) {
      modelListings.push(String(req.headers.authorization ?? ""));
      sendJson(res, 200, {
        object: "list",
        data: [{ id: "test-model", object: "model", created: 1_700_000_000, owned_by: "fake" }],
      });
      return;
    }
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      sendJson(res, 404, { error: { message: "not found", type: "invalid_request_error" } });
      return;
    }
    const body = JSON.parse(raw) as ReceivedRequest;
    const info: RequestInfo = { body, headers: req.headers, index: counter++ };
    requests.push(info);
    const script = await responder(info);
    const id = `chatcmpl-${info.index}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

    switch (script.kind) {
      case "error":
        sendJson(
          res,
          script.status,
          script.body ?? { error: { message: `error ${script.status}`, type: "server_error", code: null } },
          script.headers,
        );
        return;
      case "stall-before-headers":
        return; // the socket stays open until the client gives up or the server closes
      case "malformed":
        res.writeHead(200, { "content-type": script.contentType ?? "application/json" });
        res.end(script.body ?? "{not json");
        return;
      case "stall-mid-stream":
      case "cut-mid-stream": {
        if (!body.stream) {
          if (script.kind === "cut-mid-stream") res.socket?.destroy();
          return;
        }
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (const piece of pieces(script.before, 2)) res.write(chunk({ content: piece }, null));
        if (script.kind === "cut-mid-stream") {
          await delay(5);
          res.socket?.destroy();
        }
        return;
      }
      case "text": {
        const usage = script.usage === null ? undefined : (script.usage ?? fakeUsage(body, script.text));
        const finish = script.finishReason === undefined ? "stop" : script.finishReason;
        const usageBlock = usage
          ? { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens }
          : undefined;
        if (!body.stream) {
          sendJson(
            res,
            200,
            {
              id,
              object: "chat.completion",
              created,
              model: body.model,
              choices: [
                { index: 0, message: { role: "assistant", content: script.text }, finish_reason: finish },
              ],
              ...(usageBlock ? { usage: usageBlock } : {}),
            },
            script.headers,
          );
          return;
        }
        res.writeHead(200, { "content-type": "text/event-stream", ...script.headers });
        res.write(chunk({ role: "assistant", content: "" }, null));
        for (const piece of pieces(script.text, script.chunks ?? 3)) {
          if (script.chunkDelayMs) await delay(script.chunkDelayMs);
          if (res.destroyed) return;
          res.write(chunk({ content: piece }, null));
        }
        if (finish !== null) res.write(chunk({}, finish));
        if (usageBlock && body.stream_options?.include_usage) {
          res.write(
            `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage: usageBlock })}\n\n`,
          );
        }
        res.end("data: [DONE]\n\n");
        return;
      }
    }
  }

  const port = await server.listen();

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    modelListings,
    refuseKey(key) {
      refusedKeys.add(key);
    },
    setResponder(next) {
      responder = next;
    },
    reset() {
      requests.length = 0;
      counter = 0;
      responder = initial;
    },
    close: () => server.close(),
  };
}
