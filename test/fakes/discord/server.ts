import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createLocalServer, type LocalServer, readBody } from "../http.ts";
import { FakeGateway } from "./gateway.ts";
import { handleRest, needsBotToken, type RestResponse } from "./rest.ts";
import { FakeDiscordState } from "./state.ts";

export const FAKE_DISCORD_TOKEN = "fake-discord-bot-token-CANARY";

/** One REST call the bot made, as received. */
export interface RestCall {
  method: string;
  /** After `/api/v10`, percent-decoded. */
  path: string;
  query: string;
  body: Record<string, unknown> | null;
  /** Whether it carried `Authorization: Bot <the fake's token>`. */
  authorized: boolean;
  status: number;
}

/** An injected failure: the next `times` calls matching method and path get this response. */
export interface FailureRule {
  method: string;
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  times: number;
}

export interface FakeDiscordOptions {
  rejectMessageContent?: boolean;
  /** The guild's preferred locale in GUILD_CREATE; "en-US" by default. */
  preferredLocale?: string;
}

const API_PREFIX = "/api/v10";

/**
 * A fake Discord on 127.0.0.1: REST under `/api/v10` and a WebSocket gateway on `/gateway`, in one
 * HTTP server. Records every REST call; tests push gateway events through the helpers in
 * `actors.ts` and wait on `waitFor`, which re-checks after every call and event (no polling).
 */
export class FakeDiscord {
  readonly state = new FakeDiscordState();
  readonly calls: RestCall[] = [];
  /** The bot token REST accepts; `resetToken` changes it, as Reset Token in the Developer Portal does. */
  token: string = FAKE_DISCORD_TOKEN;
  private readonly failures: FailureRule[] = [];
  private readonly changes = new EventEmitter();
  private readonly http: LocalServer;
  readonly gateway: FakeGateway;
  apiUrl = "";

  constructor(options: FakeDiscordOptions = {}) {
    this.changes.setMaxListeners(100);
    if (options.preferredLocale) this.state.preferredLocale = options.preferredLocale;
    this.gateway = new FakeGateway(this.state, {
      rejectMessageContent: options.rejectMessageContent ?? false,
    });
    this.http = createLocalServer((req, res) => this.serve(req, res));
    this.http.server.on("upgrade", (req, socket, head) => {
      if (req.url?.startsWith("/gateway")) this.gateway.upgrade(req, socket, head);
      else socket.destroy();
    });
  }

  static async start(options?: FakeDiscordOptions): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    const port = await fake.http.listen();
    fake.apiUrl = `http://127.0.0.1:${port}/api`;
    fake.state.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    return fake;
  }

  /** Makes the next `times` matching calls fail, e.g. a 500 or a 429 with `retry-after`. */
  fail(rule: Omit<FailureRule, "times"> & { times?: number }): void {
    this.failures.push({ times: 1, ...rule });
  }

  /** Forgets recorded calls and pending failures (messages and channels stay). */
  clearCalls(): void {
    this.calls.length = 0;
    this.failures.length = 0;
  }

  callsTo(method: string, path: RegExp): RestCall[] {
    return this.calls.filter((call) => call.method === method && path.test(call.path));
  }

  /** Pushes a gateway event to the bot and wakes waiters. */
  dispatch(type: string, data: unknown): void {
    this.gateway.dispatch(type, data);
    this.changes.emit("change");
  }

  /**
   * Resolves with the first truthy value of `check`, evaluated now and after every REST call.
   * Rejects after `timeoutMs` with `what` and the calls seen, to make a failing test readable.
   */
  waitFor<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const evaluate = () => {
        const value = check();
        if (!value) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.calls.map((call) => `${call.method} ${call.path} -> ${call.status}`).join("\n  ");
        const shown = [...this.state.messages.values()]
          .slice(-5)
          .map(
            (stored) =>
              `${stored.message.channel_id}: ${JSON.stringify(stored.message.content.slice(0, 120))}`,
          )
          .join("\n  ");
        reject(
          new Error(`Timed out waiting for ${what}.\nREST calls:\n  ${seen}\nLatest messages:\n  ${shown}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off("change", evaluate);
      };
      this.changes.on("change", evaluate);
      evaluate();
    });
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.http.close();
  }

  /** From now on only `token` is accepted (the old one is invalid at once, as on Discord). */
  resetToken(token: string): void {
    this.token = token;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    const method = req.method ?? "GET";
    const path = decodeURIComponent(
      url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname,
    );
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    const authorized = req.headers.authorization === `Bot ${this.token}`;

    let response: RestResponse;
    const failure = this.failures.find(
      (rule) => rule.method === method && rule.path.test(path) && rule.times > 0,
    );
    if (failure) {
      failure.times--;
      response = {
        status: failure.status,
        body: failure.body ?? defaultErrorBody(failure.status),
        headers: failure.headers ?? {},
      };
    } else if (needsBotToken(path) && !authorized) {
      response = { status: 401, body: { message: "401: Unauthorized", code: 0 } };
    } else {
      response = handleRest(this.state, { method, path, query: url.searchParams, body });
    }

    this.calls.push({ method, path, query: url.search, body, authorized, status: response.status });
    const headers: Record<string, string> = { ...response.headers };
    if (response.body !== undefined) headers["content-type"] = "application/json";
    res.writeHead(response.status, headers);
    res.end(response.body === undefined ? undefined : JSON.stringify(response.body));
    this.changes.emit("change");
  }
}

function defaultErrorBody(status: number): unknown {
  if (status === 429) return { message: "You are being rate limited.", retry_after: 0.05, global: false };
  if (status === 403) return { message: "Missing Permissions", code: 50013 };
  return { message: `${status}: Server Error`, code: 0 };
}
