import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createLocalServer, readBody, sendJson } from "../http.ts";
import { attachSocketMode, type FakeSocketMode } from "./socket-mode.ts";

/** One Web API call as the fake received it. The token itself is never kept, only its kind. */
export interface SlackApiCall {
  method: string;
  params: Record<string, string>;
  authorization: "bot" | "app" | "other" | "none";
  /** The first 8 hex digits of the token's SHA-256, to tell two tokens apart; undefined without one. */
  tokenHash: string | undefined;
}

/** A message the bot posted (and has not deleted), with every text it was updated to, in order. */
export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string;
  /** The text of each chat.update (or appended stream), in order. */
  updates: string[];
  /** Started with chat.startStream and not stopped yet. */
  streaming?: boolean;
}

function streamedText(params: Record<string, string>): string {
  if (params.markdown_text) return params.markdown_text;
  if (!params.chunks) return "";
  const chunks = JSON.parse(params.chunks) as { type?: string; text?: string }[];
  return chunks.map((chunk) => (chunk.type === "markdown_text" ? (chunk.text ?? "") : "")).join("");
}

export type ScriptedFailure =
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "error"; error: string }
  | { kind: "http"; status: number };

export interface FakeUser {
  displayName?: string;
  realName?: string;
  locale?: string;
  /** Workspace admin / owner, as users.info reports them. */
  isAdmin?: boolean;
  isOwner?: boolean;
  /** The user's own workspace (another organization's in a Slack Connect channel); ours by default. */
  teamId?: string;
}

export const FAKE_IDENTITY = { botUserId: "UBOT", botId: "BBOT", teamId: "T1" } as const;

export interface FakeSlack {
  /** Pass as SLACK_API_URL. */
  readonly apiUrl: string;
  readonly calls: SlackApiCall[];
  readonly messages: FakeMessage[];
  /** Bodies POSTed to response URLs (slash command `respond`), by response id. */
  readonly responses: { id: string; body: Record<string, unknown> }[];
  readonly socketMode: FakeSocketMode;
  callsTo(method: string): SlackApiCall[];
  /** Messages in a channel; with `threadTs`, only that thread's replies. */
  messagesIn(channel: string, threadTs?: string): FakeMessage[];
  /** The next `times` calls of `method` fail as scripted; later calls succeed again. */
  failNext(method: string, failure: ScriptedFailure, times?: number): void;
  /** From now on, calls with this token are answered `invalid_auth`, as Slack does for a revoked token. */
  revokeToken(token: string): void;
  setUser(id: string, user: FakeUser): void;
  responseUrl(id: string): string;
  /** Resolves once `condition` holds, re-checked whenever the fake records something. */
  waitFor(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const changes = new EventEmitter();
  changes.setMaxListeners(100);
  const calls: SlackApiCall[] = [];
  const messages: FakeMessage[] = [];
  const responses: { id: string; body: Record<string, unknown> }[] = [];
  const failures = new Map<string, ScriptedFailure[]>();
  const revoked = new Set<string>();
  const users = new Map<string, FakeUser>();
  let nextTs = 1;
  const changed = () => changes.emit("change");

  const server = createLocalServer(handle);
  const port = await server.listen();
  const origin = `http://127.0.0.1:${port}`;
  const socketMode = attachSocketMode(server.server, origin, changed);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const path = new URL(req.url ?? "/", origin).pathname;
    if (path.startsWith("/response/")) {
      responses.push({
        id: path.slice("/response/".length),
        body: JSON.parse(raw) as Record<string, unknown>,
      });
      changed();
      sendJson(res, 200, { ok: true });
      return;
    }
    if (!path.startsWith("/api/")) return sendJson(res, 404, { ok: false, error: "unknown_path" });
    const method = path.slice("/api/".length);
    const bearer = req.headers.authorization?.replace(/^Bearer /, "");
    const call: SlackApiCall = {
      method,
      params: parseParams(req, raw),
      authorization: authKind(req),
      tokenHash: bearer ? tokenHash(bearer) : undefined,
    };
    calls.push(call);
    if (bearer && revoked.has(bearer)) {
      changed();
      sendJson(res, 200, { ok: false, error: "invalid_auth" });
      return;
    }
    const failure = failures.get(method)?.shift();
    if (failure) {
      changed();
      if (failure.kind === "rate_limited") {
        res.writeHead(429, {
          "retry-after": String(failure.retryAfterSeconds),
          "content-type": "application/json",
        });
        res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      } else if (failure.kind === "http") sendJson(res, failure.status, { ok: false });
      else sendJson(res, 200, { ok: false, error: failure.error });
      return;
    }
    const answer = respondTo(call);
    changed();
    sendJson(res, 200, answer);
  }

  function respondTo({ method, params, authorization }: SlackApiCall): Record<string, unknown> {
    if (method === "apps.connections.open") {
      return authorization === "app"
        ? { ok: true, url: socketMode.url }
        : { ok: false, error: "not_allowed_token_type" };
    }
    if (authorization !== "bot") return { ok: false, error: "not_authed" };
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          user_id: FAKE_IDENTITY.botUserId,
          bot_id: FAKE_IDENTITY.botId,
          team_id: FAKE_IDENTITY.teamId,
          user: "llm-bot",
          team: "Fake Team",
          url: "https://fake.slack.test/",
        };
      case "chat.postMessage": {
        if (!params.channel || !params.text)
          return { ok: false, error: params.channel ? "no_text" : "channel_not_found" };
        const ts = `1700000000.${String(nextTs++).padStart(6, "0")}`;
        messages.push({
          channel: params.channel,
          ts,
          threadTs: params.thread_ts,
          text: params.text,
          updates: [],
        });
        return { ok: true, channel: params.channel, ts, message: { text: params.text, ts } };
      }
      case "chat.update": {
        const message = messages.find((m) => m.channel === params.channel && m.ts === params.ts);
        if (!message) return { ok: false, error: "message_not_found" };
        message.text = params.text ?? "";
        message.updates.push(message.text);
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
      }
      // Slack's own streaming: the text arrives as markdown_text or as markdown_text chunks (JSON).
      case "chat.startStream": {
        if (!params.channel || !params.thread_ts) return { ok: false, error: "invalid_arguments" };
        if (!params.channel.startsWith("D") && !(params.recipient_team_id && params.recipient_user_id))
          return { ok: false, error: "invalid_arguments" };
        const ts = `1700000000.${String(nextTs++).padStart(6, "0")}`;
        messages.push({
          channel: params.channel,
          ts,
          threadTs: params.thread_ts,
          text: streamedText(params),
          updates: [],
          streaming: true,
        });
        return { ok: true, channel: params.channel, ts };
      }
      case "chat.appendStream":
      case "chat.stopStream": {
        const message = messages.find((m) => m.channel === params.channel && m.ts === params.ts);
        if (!message?.streaming) return { ok: false, error: "message_not_found" };
        message.text += streamedText(params);
        message.updates.push(message.text);
        if (method === "chat.stopStream") message.streaming = false;
        return { ok: true, channel: message.channel, ts: message.ts };
      }
      case "chat.delete": {
        const index = messages.findIndex((m) => m.channel === params.channel && m.ts === params.ts);
        if (index === -1) return { ok: false, error: "message_not_found" };
        messages.splice(index, 1);
        return { ok: true, channel: params.channel, ts: params.ts };
      }
      case "users.info": {
        const id = params.user ?? "";
        const user = users.get(id);
        if (!user) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id,
            team_id: user.teamId ?? FAKE_IDENTITY.teamId,
            name: id.toLowerCase(),
            real_name: user.realName ?? user.displayName ?? id,
            profile: { display_name: user.displayName ?? "", real_name: user.realName ?? "" },
            is_admin: user.isAdmin ?? false,
            is_owner: user.isOwner ?? false,
            ...(user.locale ? { locale: user.locale } : {}),
          },
        };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  return {
    apiUrl: `${origin}/api/`,
    calls,
    messages,
    responses,
    socketMode,
    callsTo: (method) => calls.filter((call) => call.method === method),
    messagesIn: (channel, threadTs) =>
      messages.filter((m) => m.channel === channel && (threadTs === undefined || m.threadTs === threadTs)),
    revokeToken(token) {
      revoked.add(token);
    },
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push(failure);
      failures.set(method, queue);
    },
    setUser: (id, user) => users.set(id, user),
    responseUrl: (id) => `${origin}/response/${id}`,
    waitFor: (condition, what, timeoutMs = 10_000) => waitUntil(changes, condition, what, timeoutMs),
    async close() {
      await socketMode.close();
      await server.close();
    },
  };
}

export function waitUntil(
  changes: EventEmitter,
  condition: () => boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      changes.off("change", check);
      resolve();
    };
    const timer = setTimeout(() => {
      changes.off("change", check);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    changes.on("change", check);
  });
}

export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 8);
}

function authKind(req: IncomingMessage): SlackApiCall["authorization"] {
  const header = req.headers.authorization;
  if (!header) return "none";
  if (header.startsWith("Bearer xoxb-")) return "bot";
  if (header.startsWith("Bearer xapp-")) return "app";
  return "other";
}

/** The Web API client sends form bodies (objects as JSON strings), or JSON for a few methods. */
function parseParams(req: IncomingMessage, raw: string): Record<string, string> {
  if (req.headers["content-type"]?.includes("application/json")) {
    const parsed = JSON.parse(raw || "{}") as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([key, value]) => [
        key,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
    );
  }
  const params = Object.fromEntries(new URLSearchParams(raw));
  // A token sent in the body is a credential like the header's: the fake keeps neither.
  delete params.token;
  return params;
}
