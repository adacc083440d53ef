import { expect } from "vitest";
import { commandFields, eventEnvelope, postCommand, postEvent } from "../fakes/slack/signed-requests.ts";
import { SIGNING_SECRET, type SlackHarness } from "./harness.ts";

/** Signed event delivery to the harness; Slack's 200 ack is checked on the way. */
export async function sendEvent(
  h: SlackHarness,
  event: Record<string, unknown>,
  options: Parameters<typeof eventEnvelope>[1] = {},
): Promise<void> {
  const response = await postEvent(h.eventsUrl, SIGNING_SECRET, eventEnvelope(event, options));
  expect(response.status).toBe(200);
}

let responseCounter = 0;

/** Runs a slash command; `id` names its response_url in the fake. */
export async function sendCommand(
  h: SlackHarness,
  fields: { command: string; text: string; user: string; channel: string; teamId?: string },
): Promise<{ id: string; ack: string }> {
  responseCounter += 1;
  const id = `cmd${responseCounter}`;
  const response = await postCommand(
    h.eventsUrl,
    SIGNING_SECRET,
    commandFields({ ...fields, responseUrl: h.slack.responseUrl(id) }),
  );
  expect(response.status).toBe(200);
  return { id, ack: await response.text() };
}

/** Texts POSTed to a command's response_url, in order. */
export function responseTexts(h: SlackHarness, id: string): string[] {
  return h.slack.responses.filter((r) => r.id === id).map((r) => String(r.body.text));
}

/** The first private response to a command, once it is there; every response must be ephemeral. */
export async function privateReply(h: SlackHarness, id: string): Promise<string> {
  await h.slack.waitFor(() => responseTexts(h, id).length > 0, `a response to ${id}`);
  const bodies = h.slack.responses.filter((r) => r.id === id).map((r) => r.body);
  for (const body of bodies) expect(body.response_type).toBe("ephemeral");
  return responseTexts(h, id)[0] as string;
}

/** Texts of the bot's messages in a thread (or a channel's top level with `undefined`). */
export function textsIn(h: SlackHarness, channel: string, threadTs: string | undefined): string[] {
  return h.slack
    .messagesIn(channel)
    .filter((m) => m.threadTs === threadTs)
    .map((m) => m.text);
}

/** Resolves once the message `text` (exactly) is in the thread. */
export function answerIn(
  h: SlackHarness,
  channel: string,
  threadTs: string | undefined,
  text: string,
): Promise<void> {
  return h.slack.waitFor(
    () => textsIn(h, channel, threadTs).includes(text),
    `"${text}" in ${channel}/${threadTs ?? "top"}`,
  );
}

/** Resolves with the first message in the thread that matches `pattern`, once there is one. */
export async function messageMatching(
  h: SlackHarness,
  channel: string,
  threadTs: string | undefined,
  pattern: RegExp,
): Promise<string> {
  const find = () => textsIn(h, channel, threadTs).find((text) => pattern.test(text));
  await h.slack.waitFor(() => find() !== undefined, `${pattern} in ${channel}/${threadTs ?? "top"}`);
  return find() as string;
}
