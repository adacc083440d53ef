import type { IncomingMessage, ServerResponse } from "node:http";
import {
  HTTPModuleFunctions,
  HTTPReceiver,
  type HTTPReceiverOptions,
  isValidSlackRequest,
} from "@slack/bolt";
import type { Logger } from "../../src/index.ts";

/**
 * `SLACK_SIGNING_SECRET` may hold two comma-separated secrets while Slack rotates them (the old one
 * keeps signing until the app's settings switch over); requests signed with either are Slack's.
 */
export function signingSecretsOf(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean);
}

type BufferedRequest = IncomingMessage & { rawBody: Buffer };

/**
 * Bolt's HTTPReceiver verifies with one secret. For a rotation window it runs with its own
 * verification off, behind a check that accepts a signature by any of `secrets` (Bolt's exported
 * `isValidSlackRequest`: the same HMAC, the same five-minute replay window). The body is buffered
 * once; Bolt reuses a request's `rawBody` instead of reading the stream again.
 */
export function receiverForSecrets(
  secrets: readonly string[],
  options: Omit<HTTPReceiverOptions, "signingSecret" | "signatureVerification">,
  logger: Logger,
): HTTPReceiver {
  const receiver = new HTTPReceiver({ ...options, signingSecret: "", signatureVerification: false });
  const boltListener = receiver.requestListener;
  const given = options.endpoints ?? "/slack/events";
  const endpoints = typeof given === "string" ? [given] : Object.values(given);
  receiver.requestListener = (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    // Health routes and everything else go to Bolt as they are, its errors and all.
    if (request.method !== "POST" || !endpoints.includes(path)) return boltListener(request, response);
    verified(request, secrets).then(
      (accepted) => {
        if (accepted) return boltListener(accepted, response);
        logger.warn({ path }, "slack request signed by none of the signing secrets; refused");
        respond(response, 401);
      },
      (error: unknown) => {
        const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && error.statusCode === 413;
        logger.warn({ path, tooLarge }, "slack request body could not be read; refused");
        respond(response, tooLarge ? 413 : 400);
      },
    );
  };
  return receiver;
}

async function verified(
  request: IncomingMessage,
  secrets: readonly string[],
): Promise<BufferedRequest | undefined> {
  const buffered = (await HTTPModuleFunctions.bufferIncomingMessage(
    request,
    HTTPModuleFunctions.defaultBodyLimit,
  )) as BufferedRequest;
  const body = buffered.rawBody.toString();
  if (request.headers["content-type"] === "application/x-www-form-urlencoded") {
    // Slack's SSL check is unsigned; like Bolt, keep nothing of it but the flag, so that no payload
    // can ride along unverified.
    if (new URLSearchParams(body).get("ssl_check") === "1") {
      buffered.rawBody = Buffer.from("ssl_check=1");
      return buffered;
    }
  }
  const signature = request.headers["x-slack-signature"];
  const timestamp = Number(request.headers["x-slack-request-timestamp"]);
  if (typeof signature !== "string") return undefined;
  const headers = { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp };
  return secrets.some((signingSecret) => isValidSlackRequest({ signingSecret, body, headers }))
    ? buffered
    : undefined;
}

function respond(response: ServerResponse, status: number): void {
  response.writeHead(status);
  response.end();
}
