import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";

const OP = { dispatch: 0, heartbeat: 1, identify: 2, resume: 6, hello: 10, heartbeatAck: 11 } as const;
/** Gateway close codes Discord uses for a wrong or missing `shard` in IDENTIFY. */
export const CloseCode = { invalidShard: 4010, shardingRequired: 4011 } as const;

/** The shard of a guild, as Discord computes it: (guild_id >> 22) % shard_count. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export interface ShardedWorld {
  readonly shardCount: number;
  /** READY for one shard (its guilds listed as unavailable), followed by one GUILD_CREATE per guild. */
  readyFor(shard: [number, number], sessionId: string): { ready: unknown; guildCreates: unknown[] };
}

interface Session {
  socket: WebSocket;
  shardId: number;
}

/**
 * A gateway that speaks to several shards at once: each IDENTIFY must carry `shard: [id, count]`
 * with Discord's count, each session gets READY and the guilds of its shard only, and every
 * guild event goes to the session of that guild's shard (DMs to shard 0), as Discord routes them.
 */
export class ShardedGateway {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Set<Session>();
  private sequence = 0;
  /** Every IDENTIFY's `shard` field (undefined when it had none), in arrival order. */
  readonly identifies: ([number, number] | undefined)[] = [];
  /** Close codes the gateway sent, e.g. 4010 for an invalid shard. */
  readonly closeCodes: number[] = [];

  constructor(
    private readonly world: ShardedWorld,
    private readonly changed: () => void,
  ) {
    this.server.on("connection", (socket) => this.accept(socket));
  }

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) => this.server.emit("connection", ws, request));
  }

  /** Ids of the shards with an identified session right now. */
  connectedShards(): number[] {
    return [...this.sessions].map((session) => session.shardId).sort((a, b) => a - b);
  }

  /** Sends a dispatch to the sessions of `shardId`; returns how many received it. */
  dispatchToShard(shardId: number, type: string, data: unknown): number {
    let delivered = 0;
    for (const session of this.sessions) {
      if (session.shardId !== shardId) continue;
      this.send(session.socket, { op: OP.dispatch, t: type, s: ++this.sequence, d: data });
      delivered++;
    }
    return delivered;
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
    socket.on("close", () => {
      for (const session of this.sessions) if (session.socket === socket) this.sessions.delete(session);
      this.changed();
    });
  }

  private receive(socket: WebSocket, payload: { op: number; d: unknown }): void {
    switch (payload.op) {
      case OP.heartbeat:
        this.send(socket, { op: OP.heartbeatAck, d: null, s: null, t: null });
        return;
      case OP.identify:
        this.identify(socket, (payload.d as { shard?: [number, number] }).shard);
        return;
      case OP.resume:
        // Resuming keeps the shard the session had; this fake only sees resumes after a heartbeat miss.
        this.send(socket, { op: OP.dispatch, t: "RESUMED", s: ++this.sequence, d: {} });
        return;
      default:
        return; // presence updates and the like
    }
  }

  private identify(socket: WebSocket, shard: [number, number] | undefined): void {
    this.identifies.push(shard);
    const count = this.world.shardCount;
    const valid = shard !== undefined && shard[1] === count && shard[0] >= 0 && shard[0] < count;
    if (!valid) {
      const code = shard === undefined && count > 1 ? CloseCode.shardingRequired : CloseCode.invalidShard;
      this.closeCodes.push(code);
      socket.close(code, code === CloseCode.invalidShard ? "Invalid shard." : "Sharding required.");
      this.changed();
      return;
    }
    this.sessions.add({ socket, shardId: shard[0] });
    const { ready, guildCreates } = this.world.readyFor(shard, `session-${this.identifies.length}`);
    this.send(socket, { op: OP.dispatch, t: "READY", s: ++this.sequence, d: ready });
    for (const guild of guildCreates) {
      this.send(socket, { op: OP.dispatch, t: "GUILD_CREATE", s: ++this.sequence, d: guild });
    }
    this.changed();
  }

  private send(socket: WebSocket, payload: unknown): void {
    socket.send(JSON.stringify(payload));
  }
}
