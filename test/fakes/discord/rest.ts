import { type ApiMessage, message, snowflake, threadChannel } from "./payloads.ts";
import type { FakeDiscordState, StoredMessage } from "./state.ts";

export interface RestRequest {
  method: string;
  /** Path after `/api/v10`, percent-decoded, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | null;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Routes the bot may call without the bot token (interaction tokens authorize them). */
export function needsBotToken(path: string): boolean {
  return !path.startsWith("/interactions/") && !path.startsWith("/webhooks/");
}

const notFound = (code: number, what: string): RestResponse => ({
  status: 404,
  body: { message: `Unknown ${what}`, code },
});

const EPHEMERAL = 64;

type Route = [
  method: string,
  pattern: RegExp,
  handle: (state: FakeDiscordState, params: string[], request: RestRequest) => RestResponse,
];

const routes: Route[] = [
  ["GET", /^\/gateway\/bot$/, (state) => ({ status: 200, body: gatewayInfo(state) })],
  [
    "GET",
    /^\/applications\/@me$/,
    (state) => ({
      status: 200,
      body: { id: state.applicationId, name: "HelperBot", flags: 0, bot: state.bot },
    }),
  ],
  ["PUT", /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/, registerCommands],
  ["POST", /^\/channels\/(\d+)\/typing$/, () => ({ status: 204 })],
  [
    "GET",
    /^\/channels\/(\d+)$/,
    (state, [channelId]) => {
      const channel = state.channel(channelId ?? "");
      return channel ? { status: 200, body: channel } : notFound(10003, "Channel");
    },
  ],
  [
    "POST",
    /^\/channels\/(\d+)\/messages$/,
    (state, [channelId], request) => ({
      status: 200,
      body: postMessage(state, channelId ?? "", request.body ?? {}).message,
    }),
  ],
  ["*", /^\/channels\/(\d+)\/messages\/(\d+)$/, channelMessage],
  ["POST", /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/, startThread],
  ["GET", /^\/users\/@me$/, (state) => ({ status: 200, body: state.bot })],
  ["POST", /^\/interactions\/(\d+)\/([^/]+)\/callback$/, interactionCallback],
  [
    "*",
    /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/,
    (state, [, token, messageId], request) =>
      webhookRoute(state, request.method, token ?? "", messageId, request.body ?? {}),
  ],
];

/** Answers one REST call against `state`; unknown routes get Discord's 404. */
export function handleRest(state: FakeDiscordState, request: RestRequest): RestResponse {
  for (const [method, pattern, handle] of routes) {
    if (method !== "*" && method !== request.method) continue;
    const match = pattern.exec(request.path);
    if (match) return handle(state, match.slice(1), request);
  }
  return { status: 404, body: { message: "404: Not Found", code: 0 } };
}

function registerCommands(state: FakeDiscordState, [applicationId, guildId]: string[], request: RestRequest) {
  const body = request.body;
  state.registeredCommands.set(guildId ?? "global", body);
  const commands: object[] = Array.isArray(body) ? body : [];
  return {
    status: 200,
    body: commands.map((command) => ({
      ...command,
      id: snowflake(),
      application_id: applicationId,
      version: "1",
    })),
  };
}

function channelMessage(state: FakeDiscordState, [channelId, messageId]: string[], request: RestRequest) {
  const stored = state.messages.get(messageId ?? "");
  if (!stored || stored.deleted || stored.message.channel_id !== channelId) return notFound(10008, "Message");
  if (request.method === "GET") return { status: 200, body: stored.message };
  if (request.method === "PATCH") return { status: 200, body: editMessage(stored, request.body ?? {}) };
  if (request.method === "DELETE") {
    stored.deleted = true;
    return { status: 204 };
  }
  return { status: 405, body: { message: "405: Method Not Allowed", code: 0 } };
}

function startThread(state: FakeDiscordState, [channelId, messageId]: string[], request: RestRequest) {
  const name = String(request.body?.name ?? "");
  const thread = threadChannel(state.guildId, channelId ?? "", messageId ?? "", name, state.bot.id);
  state.threads.set(thread.id, thread);
  return { status: 201, body: thread };
}

function interactionCallback(
  state: FakeDiscordState,
  [id, token]: string[],
  request: RestRequest,
): RestResponse {
  const interaction = state.interactions.get(token ?? "");
  if (!interaction || interaction.id !== id) return notFound(10062, "interaction");
  if (interaction.callbacks.length > 0) {
    return { status: 400, body: { message: "Interaction has already been acknowledged.", code: 40060 } };
  }
  const type = Number(request.body?.type);
  const data = (request.body?.data ?? {}) as Record<string, unknown>;
  interaction.callbacks.push(type);
  interaction.ephemeral = (Number(data.flags ?? 0) & EPHEMERAL) !== 0;
  if (type === 4)
    interaction.originalId = webhookMessage(state, interaction.token, data, interaction.ephemeral).id;
  return { status: 204 };
}

function gatewayInfo(state: FakeDiscordState) {
  return {
    url: state.gatewayUrl,
    shards: 1,
    session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
  };
}

function postMessage(
  state: FakeDiscordState,
  channelId: string,
  body: Record<string, unknown>,
): StoredMessage {
  const reference = body.message_reference as { message_id: string } | undefined;
  const referenced = reference ? state.messages.get(reference.message_id)?.message : undefined;
  const guildId = state.isGuildChannel(channelId) ? state.guildId : undefined;
  const created = message({
    channel_id: channelId,
    author: state.bot,
    content: String(body.content ?? ""),
    ...(guildId ? { guild_id: guildId } : {}),
    ...(reference
      ? {
          message_reference: {
            message_id: reference.message_id,
            channel_id: channelId,
            ...(guildId ? { guild_id: guildId } : {}),
          },
          referenced_message: referenced ?? null,
        }
      : {}),
  });
  return state.store(created);
}

function editMessage(stored: StoredMessage, body: Record<string, unknown>): ApiMessage {
  if (typeof body.content === "string") {
    stored.message.content = body.content;
    stored.history.push(body.content);
  }
  stored.message.edited_timestamp = new Date().toISOString();
  return stored.message;
}

function webhookMessage(
  state: FakeDiscordState,
  token: string,
  data: Record<string, unknown>,
  ephemeral: boolean,
): ApiMessage {
  const interaction = state.interactions.get(token);
  const created = message({
    channel_id: interaction?.channelId ?? "0",
    author: state.bot,
    content: String(data.content ?? ""),
    webhook_id: state.applicationId,
    application_id: state.applicationId,
    flags: ephemeral ? EPHEMERAL : 0,
    type: 20,
    ...(interaction?.guildId ? { guild_id: interaction.guildId } : {}),
  });
  return state.store(created, { interactionToken: token, ephemeral }).message;
}

function webhookRoute(
  state: FakeDiscordState,
  method: string,
  token: string,
  messageId: string | undefined,
  body: Record<string, unknown>,
): RestResponse {
  const interaction = state.interactions.get(token);
  if (!interaction) return notFound(10015, "Webhook");
  if (messageId === undefined) {
    if (method !== "POST") return { status: 405, body: { message: "405: Method Not Allowed", code: 0 } };
    if (interaction.callbacks.length === 0) return notFound(10008, "Message");
    const ephemeral = (Number(body.flags ?? 0) & EPHEMERAL) !== 0;
    return { status: 200, body: webhookMessage(state, token, body, ephemeral) };
  }
  const id = messageId === "@original" ? interaction.originalId : messageId;
  if (method === "DELETE" && messageId === "@original" && id === undefined && !interaction.withdrawn) {
    // Deleting a deferred response that never showed anything removes the "thinking…" line.
    if (interaction.callbacks[0] !== 5) return notFound(10008, "Message");
    interaction.withdrawn = true;
    return { status: 204 };
  }
  if (method === "PATCH" && messageId === "@original" && id === undefined && !interaction.withdrawn) {
    // The first edit of a deferred response creates the message Discord showed as "thinking…".
    if (interaction.callbacks[0] !== 5) return notFound(10008, "Message");
    const original = webhookMessage(state, token, body, interaction.ephemeral);
    interaction.originalId = original.id;
    return { status: 200, body: original };
  }
  const stored = id === undefined ? undefined : state.messages.get(id);
  if (!stored || stored.deleted || stored.interactionToken !== token) return notFound(10008, "Message");
  if (method === "PATCH") return { status: 200, body: editMessage(stored, body) };
  if (method === "DELETE") {
    stored.deleted = true;
    return { status: 204 };
  }
  if (method === "GET") return { status: 200, body: stored.message };
  return { status: 405, body: { message: "405: Method Not Allowed", code: 0 } };
}
