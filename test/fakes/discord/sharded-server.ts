import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createLocalServer, type LocalServer, readBody } from "../http.ts";
import {
  type ApiChannel,
  type ApiGuild,
  type ApiMessage,
  EVERYONE_PERMISSIONS,
  guildCreatePayload,
  member,
  message,
  role,
  snowflake,
  textChannel,
  user,
} from "./payloads.ts";
import { ShardedGateway, shardOf } from "./sharded-gateway.ts";

export const SHARDED_DISCORD_TOKEN = "fake-sharded-discord-token-CANARY";

/** One guild of the fake, on the shard Discord would put it on. */
export interface ShardedGuild {
  id: string;
  shard: number;
  channel: ApiChannel;
}

export interface ShardedDiscordOptions {
  /** What GET /gateway/bot recommends, and the count every IDENTIFY must carry. */
  shardCount: number;
  /** session_start_limit.max_concurrency: shards in different buckets may identify together. */
  maxConcurrency?: number;
}

const API_PREFIX = "/api/v10";

/** A snowflake whose guild lands on `shard` of `count`: its timestamp part is nudged to the right residue. */
function idOnShard(shard: number, count: number): string {
  const base = BigInt(snowflake());
  const timestamp = base >> 22n;
  const nudge = (BigInt(shard) - (timestamp % BigInt(count)) + BigInt(count)) % BigInt(count);
  return (((timestamp + nudge) << 22n) | (base & ((1n << 22n) - 1n))).toString();
}

/**
 * A fake Discord for sharding tests: one guild per shard, a gateway that routes each guild's events
 * to the session of its shard, and the REST calls a bot makes to answer in a channel. Everything
 * the bot posts is recorded per channel.
 */
export class ShardedFakeDiscord {
  readonly token = SHARDED_DISCORD_TOKEN;
  readonly applicationId = snowflake();
  readonly bot = user(this.applicationId, "ShardedBot", { bot: true });
  readonly alice = user(snowflake(), "alice");
  readonly guilds: ShardedGuild[];
  readonly gateway: ShardedGateway;
  /** Messages by id, with every content they had (post, then edits). */
  readonly messages = new Map<string, { message: ApiMessage; history: string[] }>();
  /** PUTs of the application's commands (global or guild). */
  commandRegistrations = 0;
  apiUrl = "";
  gatewayUrl = "";
  private readonly changes = new EventEmitter();
  private readonly http: LocalServer;

  private constructor(private readonly options: ShardedDiscordOptions) {
    this.changes.setMaxListeners(100);
    this.guilds = Array.from({ length: options.shardCount }, (_, shard) => {
      const id = idOnShard(shard, options.shardCount);
      return { id, shard, channel: textChannel(id, snowflake(), `general-${shard}`) };
    });
    this.gateway = new ShardedGateway(
      {
        shardCount: options.shardCount,
        readyFor: (shard, sessionId) => this.readyFor(shard, sessionId),
      },
      () => this.changes.emit("change"),
    );
    this.http = createLocalServer((req, res) => this.serve(req, res));
    this.http.server.on("upgrade", (req, socket, head) => {
      if (req.url?.startsWith("/gateway")) this.gateway.upgrade(req, socket, head);
      else socket.destroy();
    });
  }

  static async start(options: ShardedDiscordOptions): Promise<ShardedFakeDiscord> {
    const fake = new ShardedFakeDiscord(options);
    const port = await fake.http.listen();
    fake.apiUrl = `http://127.0.0.1:${port}/api`;
    fake.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    return fake;
  }

  /** Alice mentions the bot in a guild's channel; returns the message and how many sessions got it. */
  mentionBot(guild: ShardedGuild, text: string): { message: ApiMessage; delivered: number } {
    const created = message({
      channel_id: guild.channel.id,
      guild_id: guild.id,
      author: this.alice,
      member: {
        nick: null,
        roles: [],
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
      },
      content: `<@${this.bot.id}> ${text}`,
      mentions: [this.bot],
    });
    this.messages.set(created.id, { message: created, history: [created.content] });
    const delivered = this.gateway.dispatchToShard(
      shardOf(guild.id, this.options.shardCount),
      "MESSAGE_CREATE",
      created,
    );
    return { message: created, delivered };
  }

  /** What the bot posted in a channel, oldest first, with each message's contents over time. */
  botMessagesIn(channelId: string): { message: ApiMessage; history: string[] }[] {
    return [...this.messages.values()].filter(
      (stored) => stored.message.channel_id === channelId && stored.message.author.id === this.bot.id,
    );
  }

  /** Resolves once `check` holds, re-checked after every REST call and gateway change. */
  waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const evaluate = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.changes.off("change", evaluate);
        resolve();
      };
      const timer = setTimeout(() => {
        this.changes.off("change", evaluate);
        reject(new Error(`Timed out waiting for ${what}`));
      }, timeoutMs);
      this.changes.on("change", evaluate);
    });
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.http.close();
  }

  private guildPayload(guild: ShardedGuild): ApiGuild {
    return {
      id: guild.id,
      name: `Guild on shard ${guild.shard}`,
      owner_id: this.alice.id,
      roles: [role(guild.id, "@everyone", EVERYONE_PERMISSIONS, { mentionable: false })],
      members: [member(this.bot), member(this.alice)],
      channels: [guild.channel],
      threads: [],
      preferred_locale: "en-US",
    };
  }

  private readyFor([shardId, count]: [number, number], sessionId: string) {
    const mine = this.guilds.filter((guild) => guild.shard === shardId);
    return {
      ready: {
        v: 10,
        user: this.bot,
        session_id: sessionId,
        resume_gateway_url: this.gatewayUrl,
        shard: [shardId, count],
        guilds: mine.map((guild) => ({ id: guild.id, unavailable: true })),
        application: { id: this.applicationId, flags: 0 },
        private_channels: [],
      },
      guildCreates: mine.map((guild) => guildCreatePayload(this.guildPayload(guild))),
    };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const { status, payload } =
      req.headers.authorization === `Bot ${this.token}`
        ? this.route(req.method ?? "GET", path, body)
        : { status: 401, payload: { message: "401: Unauthorized", code: 0 } };
    res.writeHead(status, payload === undefined ? {} : { "content-type": "application/json" });
    res.end(payload === undefined ? undefined : JSON.stringify(payload));
    this.changes.emit("change");
  }

  private route(
    method: string,
    path: string,
    body: Record<string, unknown>,
  ): { status: number; payload?: unknown } {
    if (method === "GET" && path === "/gateway/bot") {
      const limit = {
        total: 1000,
        remaining: 1000,
        reset_after: 0,
        max_concurrency: this.options.maxConcurrency ?? 1,
      };
      return {
        status: 200,
        payload: { url: this.gatewayUrl, shards: this.options.shardCount, session_start_limit: limit },
      };
    }
    if (method === "GET" && path === "/applications/@me") {
      return {
        status: 200,
        payload: { id: this.applicationId, name: "ShardedBot", flags: 0, bot: this.bot },
      };
    }
    if (method === "PUT" && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      this.commandRegistrations++;
      return { status: 200, payload: [] };
    }
    const channel = /^\/channels\/(\d+)\/(typing|messages)(?:\/(\d+))?$/.exec(path);
    const guild = this.guilds.find((candidate) => candidate.channel.id === channel?.[1]);
    if (!channel || !guild) return { status: 404, payload: { message: "404: Not Found", code: 0 } };
    if (channel[2] === "typing") return { status: 204 };
    if (method === "POST" && !channel[3]) {
      const reference = body.message_reference as { message_id: string } | undefined;
      const posted = message({
        channel_id: guild.channel.id,
        guild_id: guild.id,
        author: this.bot,
        content: String(body.content ?? ""),
        ...(reference
          ? {
              message_reference: {
                message_id: reference.message_id,
                channel_id: guild.channel.id,
                guild_id: guild.id,
              },
              referenced_message: this.messages.get(reference.message_id)?.message ?? null,
            }
          : {}),
      });
      this.messages.set(posted.id, { message: posted, history: [posted.content] });
      return { status: 200, payload: posted };
    }
    const stored = this.messages.get(channel[3] ?? "");
    if (!stored) return { status: 404, payload: { message: "Unknown Message", code: 10008 } };
    if (method === "PATCH") {
      if (typeof body.content === "string") {
        stored.message.content = body.content;
        stored.history.push(body.content);
      }
      stored.message.edited_timestamp = new Date().toISOString();
      return { status: 200, payload: stored.message };
    }
    if (method === "DELETE") {
      this.messages.delete(stored.message.id);
      return { status: 204 };
    }
    return { status: 200, payload: stored.message };
  }
}
