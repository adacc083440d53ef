import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { guildCreatePayload } from "./payloads.ts";
import type { FakeDiscordState } from "./state.ts";

/** GatewayIntentBits.MessageContent: privileged, must be enabled in the Developer Portal. */
const MESSAGE_CONTENT_INTENT = 1 << 15;
const OP = { dispatch: 0, heartbeat: 1, identify: 2, resume: 6, hello: 10, heartbeatAck: 11 } as const;

export interface GatewayOptions {
  /** Close with 4014 (disallowed intents) when MessageContent is requested, like an unconfigured app. */
  rejectMessageContent: boolean;
}

/**
 * The gateway side: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeat ACKs, RESUME -> RESUMED,
 * and dispatches pushed by tests. Frames are plain JSON (no zlib-sync installed).
 */
export class FakeGateway {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Set<WebSocket>();
  private sequence = 0;
  /** IDENTIFY payloads received, so tests can check the intents. */
  readonly identifies: { intents: number }[] = [];

  constructor(
    private readonly state: FakeDiscordState,
    private readonly options: GatewayOptions,
  ) {
    this.server.on("connection", (socket) => this.accept(socket));
  }

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) => this.server.emit("connection", ws, request));
  }

  /** Sends an event to every identified session. */
  dispatch(type: string, data: unknown): void {
    for (const socket of this.sessions)
      this.send(socket, { op: OP.dispatch, t: type, s: ++this.sequence, d: data });
  }

  get connected(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    for (const socket of this.server.clients) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    this.send(socket, { op: OP.hello, d: { heartbeat_interval: 45_000 }, s: null, t: null });
    socket.on("message", (raw) =>
      this.receive(socket, JSON.parse(String(raw)) as { op: number; d: unknown }),
    );
    socket.on("close", () => this.sessions.delete(socket));
  }

  private receive(socket: WebSocket, payload: { op: number; d: unknown }): void {
    switch (payload.op) {
      case OP.heartbeat:
        this.send(socket, { op: OP.heartbeatAck, d: null, s: null, t: null });
        return;
      case OP.identify: {
        const identify = payload.d as { intents: number };
        this.identifies.push({ intents: identify.intents });
        if (this.options.rejectMessageContent && (identify.intents & MESSAGE_CONTENT_INTENT) !== 0) {
          socket.close(4014, "Disallowed intent(s).");
          return;
        }
        this.sessions.add(socket);
        const ready = {
          v: 10,
          user: this.state.bot,
          session_id: `session-${this.identifies.length}`,
          resume_gateway_url: this.state.gatewayUrl,
          guilds: [{ id: this.state.guildId, unavailable: true }],
          application: { id: this.state.applicationId, flags: 0 },
          private_channels: [],
        };
        this.send(socket, { op: OP.dispatch, t: "READY", s: ++this.sequence, d: ready });
        this.send(socket, {
          op: OP.dispatch,
          t: "GUILD_CREATE",
          s: ++this.sequence,
          d: guildCreatePayload(this.state.guild()),
        });
        return;
      }
      case OP.resume:
        this.sessions.add(socket);
        this.send(socket, { op: OP.dispatch, t: "RESUMED", s: ++this.sequence, d: {} });
        return;
      default:
        return; // presence updates and the like
    }
  }

  private send(socket: WebSocket, payload: unknown): void {
    socket.send(JSON.stringify(payload));
  }
}
