import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";

/**
 * The largest body Slack sends to /slack/events, with room to spare. Measured in
 * test/slack/request-guard.test.ts: the largest legitimate delivery is a message_changed event of a
 * 40,000-character message whose text and blocks are escaped as \uXXXX, both the new and the
 * previous message (about 0.97 MB); a mention of that size is half of it. Bolt's own default is 4 MB.
 */
export const MAX_SLACK_BODY_BYTES = 1_536 * 1024;

/** Slack's own tolerance for a request's clock, in both directions. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/**
 * Bodies read at once. Each may hold MAX_SLACK_BODY_BYTES while it is read, so this bounds the memory
 * that requests not yet verified can take (48 MB); Slack retries a delivery refused with 503.
 */
export const MAX_BODIES_IN_FLIGHT = 32;

/**
 * Node's defaults wait 60 s for headers and 300 s for a body; Slack sends a request at once and wants
 * an answer within 3 s, so a slow request is not Slack.
 */
export const SERVER_TIMEOUTS = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  /** How often Node checks the two timeouts above (30 s by default, which would stretch them). */
  checkIntervalMs: 1_000,
} as const;

/** Why a request to /slack/events was refused before Bolt saw it. */
export type RejectionReason = "unsigned" | "stale" | "future" | "bad_signature" | "too_large" | "busy";

export interface RequestGuardOptions {
  /** The events path (POST only); other routes (health, metrics) pass untouched. */
  path: string;
  /** Any of them verifies (two during a rotation window). */
  signingSecrets: readonly string[];
  maxBodyBytes?: number;
  maxBodiesInFlight?: number;
  /** Unix milliseconds; Date.now by default. */
  now?: () => number;
  onRejected(reason: RejectionReason): void;
}

const unsignedFormLimit = 256;

/**
 * Wraps Bolt's request listener so that a request to the events path is checked before its body is
 * read: without Slack's signature headers, or with a timestamp outside the tolerance (past or future),
 * or announcing a body larger than Slack ever sends, it is refused at once and the connection closed.
 * A body is read up to the cap and its signature checked here, so Bolt gets only verified requests
 * (it verifies again, reusing the buffered body). Slack's unsigned `ssl_check` (a tiny form) passes.
 */
export function guardSlackRequests(listener: RequestListener, options: RequestGuardOptions): RequestListener {
  const maxBody = options.maxBodyBytes ?? MAX_SLACK_BODY_BYTES;
  const maxInFlight = options.maxBodiesInFlight ?? MAX_BODIES_IN_FLIGHT;
  const now = options.now ?? Date.now;
  let inFlight = 0;

  const refuse = (res: ServerResponse, status: number, reason: RejectionReason) => {
    options.onRejected(reason);
    // Closing the connection stops the client's upload; the body is never read.
    res.writeHead(status, { connection: "close", "content-length": "0" });
    res.end();
  };

  return (req, res) => {
    if (req.method !== "POST" || pathOf(req) !== options.path) {
      listener(req, res);
      return;
    }
    const signature = singleHeader(req, "x-slack-signature");
    const timestamp = singleHeader(req, "x-slack-request-timestamp");
    const declaredLength = Number(req.headers["content-length"] ?? 0);
    const unsigned = signature === undefined || timestamp === undefined;
    if (unsigned && !isSmallForm(req, declaredLength)) return refuse(res, 401, "unsigned");
    if (declaredLength > maxBody) return refuse(res, 413, "too_large");
    if (!unsigned) {
      const seconds = Number(timestamp);
      const skew = Number.isFinite(seconds) ? seconds - now() / 1000 : Number.NEGATIVE_INFINITY;
      if (skew < -SIGNATURE_TOLERANCE_SECONDS) return refuse(res, 401, "stale");
      if (skew > SIGNATURE_TOLERANCE_SECONDS) return refuse(res, 401, "future");
    }
    if (inFlight >= maxInFlight) return refuse(res, 503, "busy");
    inFlight += 1;
    readBody(req, unsigned ? unsignedFormLimit : maxBody)
      .then((body) => {
        inFlight -= 1;
        if (body === undefined) return refuse(res, 413, unsigned ? "unsigned" : "too_large");
        if (unsigned) {
          if (!isSslCheck(body)) return refuse(res, 401, "unsigned");
        } else if (
          !options.signingSecrets.some((secret) => signatureMatches(secret, timestamp, body, signature))
        ) {
          return refuse(res, 401, "bad_signature");
        }
        // Bolt's parser reuses a body already read (HTTPModuleFunctions.bufferIncomingMessage).
        (req as IncomingMessage & { rawBody: Buffer }).rawBody = body;
        listener(req, res);
      })
      .catch(() => {
        inFlight -= 1;
        req.destroy();
      });
  };
}

/** Caps the server's connections and shortens Node's header and body timeouts. */
export function limitServer(server: Server, maxConnections: number): void {
  server.maxConnections = maxConnections;
  server.headersTimeout = SERVER_TIMEOUTS.headersTimeoutMs;
  server.requestTimeout = SERVER_TIMEOUTS.requestTimeoutMs;
}

/** http.createServer options with the timeouts above (the check interval can only be set here). */
export const serverOptions = {
  headersTimeout: SERVER_TIMEOUTS.headersTimeoutMs,
  requestTimeout: SERVER_TIMEOUTS.requestTimeoutMs,
  connectionsCheckingInterval: SERVER_TIMEOUTS.checkIntervalMs,
};

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function isSmallForm(req: IncomingMessage, declaredLength: number): boolean {
  return (
    req.headers["content-type"] === "application/x-www-form-urlencoded" && declaredLength <= unsignedFormLimit
  );
}

function isSslCheck(body: Buffer): boolean {
  return new URLSearchParams(body.toString()).get("ssl_check") === "1";
}

function signatureMatches(
  secret: string,
  timestamp: string | undefined,
  body: Buffer,
  signature: string | undefined,
): boolean {
  if (timestamp === undefined || signature === undefined) return false;
  const expected = Buffer.from(
    `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest("hex")}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The body, or undefined once it grows past `limit` (reading stops there). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks, size)));
    req.once("error", reject);
    req.once("aborted", () => reject(new Error("request aborted")));
  });
}
