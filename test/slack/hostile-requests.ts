import { readFileSync } from "node:fs";
import { connect } from "node:net";

/** A recorded Slack payload from test/fixtures/slack (see SOURCE.md there). */
export function slackFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), "utf8");
}

/** JSON as Slack writes it: non-ASCII as \uXXXX and "/" as "\/", the largest form of a text. */
export function slackJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replaceAll("/", "\\/");
}

export interface RawResponse {
  /** The status of the first response line, or 0 if the connection closed without one. */
  status: number;
  /** Body bytes the client managed to write before the answer or the close. */
  bytesWritten: number;
}

/**
 * One HTTP request over a plain socket, so that a test controls how much of the body is sent: the
 * headers announce `contentLength` bytes, then `body` is written (possibly less than announced, or in
 * full). Resolves with the status as soon as the server answers, whatever was sent by then.
 */
export function rawRequest(
  port: number,
  headers: Record<string, string>,
  contentLength: number,
  body: Buffer,
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let settled = false;
    const finish = (status: number) => {
      if (settled) return;
      settled = true;
      const bytesWritten = Math.max(0, socket.bytesWritten - headerText.length);
      socket.destroy();
      resolve({ status, bytesWritten });
    };
    const headerText =
      "POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\n" +
      Object.entries({ ...headers, "content-length": String(contentLength) })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("") +
      "\r\n";
    socket.on("connect", () => {
      socket.write(headerText);
      socket.write(body, () => undefined);
    });
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match) finish(Number(match[1]));
    });
    socket.on("error", () => finish(0));
    socket.on("close", () => finish(0));
  });
}
