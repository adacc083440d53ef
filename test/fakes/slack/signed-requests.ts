import { createHmac } from "node:crypto";

/** Headers Slack signs a request with: v0 HMAC-SHA256 over `v0:<timestamp>:<raw body>`. */
export function slackSignatureHeaders(
  signingSecret: string,
  rawBody: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const digest = createHmac("sha256", signingSecret).update(`v0:${timestamp}:${rawBody}`).digest("hex");
  return { "x-slack-request-timestamp": String(timestamp), "x-slack-signature": `v0=${digest}` };
}

export interface DeliveryOptions {
  /** Signs with this secret instead of the real one (a forged request). */
  signWith?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Marks a redelivery, as Slack does after a missed ack. */
  retryNum?: number;
}

/** POSTs a signed Events API body to /slack/events. */
export function postEvent(
  eventsUrl: string,
  signingSecret: string,
  body: Record<string, unknown>,
  options: DeliveryOptions = {},
): Promise<Response> {
  return signedPost(eventsUrl, signingSecret, JSON.stringify(body), "application/json", options);
}

/** POSTs a signed slash command (form-encoded, as Slack sends them). */
export function postCommand(
  eventsUrl: string,
  signingSecret: string,
  fields: Record<string, string>,
  options: DeliveryOptions = {},
): Promise<Response> {
  const raw = new URLSearchParams(fields).toString();
  return signedPost(eventsUrl, signingSecret, raw, "application/x-www-form-urlencoded", options);
}

function signedPost(
  url: string,
  signingSecret: string,
  raw: string,
  contentType: string,
  options: DeliveryOptions,
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": contentType,
    ...slackSignatureHeaders(options.signWith ?? signingSecret, raw, options.timestamp),
    ...(options.retryNum === undefined
      ? {}
      : { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" }),
  };
  return fetch(url, { method: "POST", headers, body: raw });
}

let eventCounter = 0;

/** An event_callback envelope around `event`, with a fresh event_id unless one is given. */
export function eventEnvelope(
  event: Record<string, unknown>,
  options: { eventId?: string; teamId?: string } = {},
): Record<string, unknown> {
  const teamId = options.teamId ?? "T1";
  eventCounter += 1;
  return {
    token: "legacy-verification-token",
    type: "event_callback",
    team_id: teamId,
    api_app_id: "A1",
    event_id: options.eventId ?? `Ev${String(eventCounter).padStart(8, "0")}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
    authorizations: [{ team_id: teamId, user_id: "UBOT", is_bot: true }],
  };
}

export function mentionEvent(fields: {
  user: string;
  text: string;
  ts: string;
  channel: string;
  threadTs?: string;
  files?: Record<string, unknown>[];
}): Record<string, unknown> {
  return {
    type: "app_mention",
    user: fields.user,
    text: fields.text,
    ts: fields.ts,
    channel: fields.channel,
    event_ts: fields.ts,
    ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}),
    ...(fields.files ? { files: fields.files } : {}),
  };
}

export function messageEvent(fields: {
  user?: string;
  text: string;
  ts: string;
  channel: string;
  channelType: "im" | "channel" | "group";
  threadTs?: string;
  subtype?: string;
  botId?: string;
  files?: Record<string, unknown>[];
}): Record<string, unknown> {
  return {
    type: "message",
    ...(fields.user ? { user: fields.user } : {}),
    text: fields.text,
    ts: fields.ts,
    channel: fields.channel,
    channel_type: fields.channelType,
    event_ts: fields.ts,
    ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}),
    ...(fields.subtype ? { subtype: fields.subtype } : {}),
    ...(fields.botId ? { bot_id: fields.botId } : {}),
    ...(fields.files ? { files: fields.files } : {}),
  };
}

let triggerCounter = 0;

/** The form fields of a slash command invocation; each has its own trigger_id, as on Slack. */
export function commandFields(fields: {
  command: string;
  text: string;
  user: string;
  channel: string;
  responseUrl: string;
  teamId?: string;
  channelName?: string;
  triggerId?: string;
}): Record<string, string> {
  triggerCounter += 1;
  return {
    token: "legacy-verification-token",
    team_id: fields.teamId ?? "T1",
    team_domain: "fake",
    channel_id: fields.channel,
    channel_name: fields.channelName ?? (fields.channel.startsWith("D") ? "directmessage" : "general"),
    user_id: fields.user,
    user_name: fields.user.toLowerCase(),
    command: fields.command,
    text: fields.text,
    api_app_id: "A1",
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `${triggerCounter}.1.${"a".repeat(8)}`,
  };
}

/** A file as Slack lists it on a message; the bot never downloads it. */
export function fileShared(name = "report.pdf"): Record<string, unknown> {
  return { id: "F0001", name, mimetype: "application/pdf", filetype: "pdf", size: 1024 };
}
