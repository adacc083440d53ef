import { EventEmitter, once } from "node:events";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";

/** One HTTP request (or WebSocket upgrade request) as the bot sent it, before any fake filtered it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A man in the middle between the bot and one fake, on 127.0.0.1: records every request's headers and
 * raw body and every WebSocket frame the bot sends (unmasked), and can cut the WebSocket connections to
 * simulate a dropped gateway or Socket Mode link. JSON response bodies have the fake's address rewritten
 * to the proxy's, so URLs the fake hands out (a Socket Mode link) lead back through the proxy too.
 */
export class RecordingProxy {
  readonly requests: RecordedRequest[] = [];
  /** Text of every WebSocket data frame the bot sent, in order. */
  readonly frames: string[] = [];
  /** Text of every WebSocket data frame the fake sent the bot, in order. */
  readonly framesReceived: string[] = [];
  /** Emits "change" after every recorded request or frame. */
  readonly changes = new EventEmitter();
  /** Set before the first request; a proxy may be started before its fake exists. */
  upstream: URL | undefined;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly upgraded = new Set<Duplex>();
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.on("upgrade", (req, socket, head) => this.tunnel(req, socket, head));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async start(upstream?: string): Promise<RecordingProxy> {
    const proxy = new RecordingProxy();
    if (upstream) proxy.upstream = new URL(upstream);
    proxy.server.listen(0, "127.0.0.1");
    await once(proxy.server, "listening");
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** http://127.0.0.1:PORT */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** WebSocket connections currently tunnelled. */
  get openTunnels(): number {
    return this.upgraded.size;
  }

  /** Cuts every tunnelled WebSocket connection at the TCP level, as a network failure would. */
  dropTunnels(): void {
    for (const socket of this.upgraded) socket.destroy();
    this.upgraded.clear();
  }

  /** Everything the bot sent through this proxy, as one text to scan. */
  everythingSent(): string {
    const requests = this.requests.map(
      (request) => `${request.method} ${request.url}\n${JSON.stringify(request.headers)}\n${request.body}`,
    );
    return [...requests, ...this.frames].join("\n");
  }

  async close(): Promise<void> {
    this.dropTunnels();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private target(): URL {
    if (!this.upstream) throw new Error("RecordingProxy: upstream not set");
    return this.upstream;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      this.requests.push({
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body: body.toString("utf8"),
      });
      this.changes.emit("change");
      const target = this.target();
      const outgoing = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (incoming) => this.relay(incoming, res),
      );
      outgoing.on("error", () => res.destroy());
      // The bot gave up (a timeout): the fake must see it too, or a stalled response would hang here.
      res.on("close", () => {
        if (!res.writableFinished) outgoing.destroy();
      });
      outgoing.end(body);
    });
  }

  private relay(incoming: IncomingMessage, res: ServerResponse): void {
    const status = incoming.statusCode ?? 502;
    if (!String(incoming.headers["content-type"] ?? "").includes("json")) {
      res.writeHead(status, incoming.headers);
      incoming.pipe(res);
      // A fake that cuts a stream mid-way must look cut to the bot, not ended cleanly.
      incoming.on("close", () => {
        if (!incoming.complete) res.destroy();
      });
      return;
    }
    const parts: Buffer[] = [];
    incoming.on("data", (part: Buffer) => parts.push(part));
    incoming.on("end", () => {
      const upstreamHost = this.target().host;
      const text = Buffer.concat(parts).toString("utf8").replaceAll(upstreamHost, `127.0.0.1:${this.port}`);
      const headers = { ...incoming.headers, "content-length": String(Buffer.byteLength(text)) };
      delete headers["transfer-encoding"];
      res.writeHead(status, headers);
      res.end(text);
    });
    incoming.on("error", () => res.destroy());
  }

  /** Resolves once `condition` holds, re-checked after every recorded request and frame. */
  waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.changes.off("change", check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.changes.off("change", check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.changes.on("change", check);
    });
  }

  private tunnel(req: IncomingMessage, client: Duplex, head: Buffer): void {
    this.requests.push({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: "" });
    this.changes.emit("change");
    const target = this.target();
    const upstream = connect(Number(target.port), target.hostname, () => {
      let raw = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] ?? "";
        raw += `${name}: ${name.toLowerCase() === "host" ? target.host : req.rawHeaders[i + 1]}\r\n`;
      }
      upstream.write(`${raw}\r\n`);
      if (head.length > 0) {
        upstream.write(head);
        decoder.push(head);
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const decoder = new FrameDecoder((text) => {
      this.frames.push(text);
      this.changes.emit("change");
    });
    const received = new FrameDecoder((text) => {
      this.framesReceived.push(text);
      this.changes.emit("change");
    });
    client.on("data", (chunk: Buffer) => decoder.push(chunk));
    let handshakeDone = false;
    upstream.on("data", (chunk: Buffer) => {
      // The fake's first bytes are the 101 handshake response; frames follow it.
      if (handshakeDone) return received.push(chunk);
      const end = chunk.indexOf("\r\n\r\n");
      if (end === -1) return;
      handshakeDone = true;
      received.push(chunk.subarray(end + 4));
    });
    this.upgraded.add(client);
    const end = () => {
      this.upgraded.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    client.on("error", end);
    upstream.on("close", end);
    upstream.on("error", end);
  }
}

/** Reads WebSocket frames (masked from a client, plain from a server) and hands on the text of data frames. */
class FrameDecoder {
  private buffer = Buffer.alloc(0);

  constructor(private readonly onText: (text: string) => void) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const frame = this.next();
      if (!frame) return;
      // Text, binary and continuation frames carry data; control frames (close, ping, pong) do not.
      if (frame.opcode <= 2) this.onText(frame.payload.toString("utf8"));
    }
  }

  private next(): { opcode: number; payload: Buffer } | undefined {
    const buffer = this.buffer;
    if (buffer.length < 2) return undefined;
    const opcode = (buffer[0] ?? 0) & 0x0f;
    const second = buffer[1] ?? 0;
    const masked = (second & 0x80) !== 0;
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buffer.length < 4) return undefined;
      length = buffer.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return undefined;
      length = Number(buffer.readBigUInt64BE(2));
      offset = 10;
    }
    const maskLength = masked ? 4 : 0;
    if (buffer.length < offset + maskLength + length) return undefined;
    const mask = buffer.subarray(offset, offset + maskLength);
    const payload = Buffer.from(buffer.subarray(offset + maskLength, offset + maskLength + length));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    this.buffer = buffer.subarray(offset + maskLength + length);
    return { opcode, payload };
  }
}
