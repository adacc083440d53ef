import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";

/** What the app sent back for an envelope: `{ envelope_id, payload }`. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface EnvelopeOptions {
  /** Slack's redelivery counter; Bolt exposes it as context.retryNum. */
  retryAttempt?: number;
  retryReason?: string;
}

export interface FakeSocketMode {
  /** What apps.connections.open hands out. */
  readonly url: string;
  readonly acks: SocketAck[];
  /** Connections currently open. */
  connectionCount(): number;
  /** Sends an events_api envelope (the body Slack would POST in HTTP mode) and returns its envelope id. */
  sendEvent(body: Record<string, unknown>, options?: EnvelopeOptions): string;
  /** Sends a slash_commands envelope with the command's fields as payload. */
  sendCommand(payload: Record<string, string>): string;
  close(): Promise<void>;
}

/**
 * Slack's Socket Mode side on the fake's HTTP server: WebSocket upgrades on /link get `hello` (the
 * client's start() resolves on it), then envelopes; acks are recorded.
 */
export function attachSocketMode(server: Server, origin: string, changed: () => void): FakeSocketMode {
  const wss = new WebSocketServer({ noServer: true });
  const clients = new Set<WebSocket>();
  const acks: SocketAck[] = [];

  server.on("upgrade", (req, socket, head) => {
    if (!req.url?.startsWith("/link")) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on("close", () => {
        clients.delete(ws);
        changed();
      });
      ws.on("message", (data) => {
        acks.push(JSON.parse(String(data)) as SocketAck);
        changed();
      });
      ws.send(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A1" } }));
      changed();
    });
  });

  const send = (envelope: Record<string, unknown>) => {
    const [client] = clients;
    if (!client) throw new Error("no Socket Mode connection is open");
    client.send(JSON.stringify(envelope));
  };

  return {
    url: `${origin.replace(/^http/, "ws")}/link?ticket=fake`,
    acks,
    connectionCount: () => clients.size,
    sendEvent(body, options = {}) {
      const envelopeId = randomUUID();
      send({
        envelope_id: envelopeId,
        type: "events_api",
        payload: body,
        accepts_response_payload: false,
        ...(options.retryAttempt === undefined
          ? {}
          : { retry_attempt: options.retryAttempt, retry_reason: options.retryReason ?? "timeout" }),
      });
      return envelopeId;
    },
    sendCommand(payload) {
      const envelopeId = randomUUID();
      send({ envelope_id: envelopeId, type: "slash_commands", payload, accepts_response_payload: true });
      return envelopeId;
    },
    async close() {
      for (const client of clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
