import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { createLocalServer, readBody } from "../fakes/http.ts";

/** One recorded HTTP response: status, headers and the body's exact bytes. */
export interface Transcript {
  name: string;
  status: number;
  headers: [string, string][];
  body: Buffer;
}

const FIXTURES = fileURLToPath(new URL("../fixtures/providers/", import.meta.url));

/** Reads `test/fixtures/providers/<path>`: a status line, header lines, a blank line, the body. */
export function loadTranscript(path: string): Transcript {
  const raw = readFileSync(FIXTURES + path);
  const split = raw.indexOf("\n\n");
  if (split < 0) throw new Error(`${path}: no blank line after the headers`);
  const [statusLine = "", ...headerLines] = raw.subarray(0, split).toString("utf8").split("\n");
  const status = Number(statusLine.split(" ")[1]);
  if (!Number.isInteger(status)) throw new Error(`${path}: bad status line ${statusLine}`);
  const headers = headerLines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  return { name: path, status, headers, body: raw.subarray(split + 2) };
}

/** What the replay server received. */
export interface ReplayedRequest {
  body: Record<string, unknown>;
  headers: IncomingMessage["headers"];
  url: string;
}

export interface ReplayOptions {
  /**
   * Called before each SSE event is written, with the event's index: the test decides how long the
   * provider "takes" (a fake clock step, a real pause for the idle timer). Nothing waits by default.
   */
  beforeEvent?: (index: number, event: string) => Promise<void> | void;
}

export interface ReplayServer {
  /** Base URL for the SDK, e.g. http://127.0.0.1:1234/v1 */
  readonly url: string;
  readonly requests: ReplayedRequest[];
  /** Responses in order; the last one repeats. */
  play(...transcripts: Transcript[]): void;
  close(): Promise<void>;
}

/**
 * Serves recorded provider responses byte for byte. An SSE body is written one event at a time, as a
 * provider flushes them, so the client sees the chunk boundaries a real stream has.
 */
export async function startReplayServer(options: ReplayOptions = {}): Promise<ReplayServer> {
  const requests: ReplayedRequest[] = [];
  let queue: Transcript[] = [];

  const server = createLocalServer(async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    requests.push({ body: raw ? JSON.parse(raw) : {}, headers: req.headers, url: req.url ?? "" });
    const transcript = queue.length > 1 ? queue.shift() : queue[0];
    if (!transcript) throw new Error("no transcript to replay");
    res.writeHead(transcript.status, Object.fromEntries(transcript.headers));
    const isStream = transcript.headers.some(
      ([name, value]) => name.toLowerCase() === "content-type" && value.startsWith("text/event-stream"),
    );
    if (!isStream) {
      res.end(transcript.body);
      return;
    }
    // A provider sends a stream's headers at once, before any event (keep-alive comments included).
    res.flushHeaders();
    const events = splitEvents(transcript.body);
    for (const [index, event] of events.entries()) {
      await options.beforeEvent?.(index, event.toString("utf8"));
      if (res.destroyed) return;
      res.write(event);
    }
    res.end();
  });
  const port = await server.listen();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    play(...transcripts) {
      queue = transcripts;
    },
    close: () => server.close(),
  };
}

/** Splits an SSE body after each blank line, keeping every byte. */
function splitEvents(body: Buffer): Buffer[] {
  const events: Buffer[] = [];
  let start = 0;
  for (;;) {
    const end = body.indexOf("\n\n", start);
    if (end < 0) break;
    events.push(body.subarray(start, end + 2));
    start = end + 2;
  }
  if (start < body.length) events.push(body.subarray(start));
  return events;
}
