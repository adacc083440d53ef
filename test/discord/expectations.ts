import { expect } from "vitest";
import type { FakeDiscord, RestCall } from "../fakes/discord/server.ts";

/** Calls that put text in front of people: channel messages, edits, interaction responses, follow-ups. */
export function textCalls(fake: FakeDiscord): RestCall[] {
  return fake.calls.filter((call) => typeof call.body?.content === "string");
}

/**
 * Every text the bot sent told Discord to notify nobody: no @everyone/@here, no roles, no users,
 * not even the author of the message replied to.
 */
export function expectNoPings(fake: FakeDiscord): void {
  const calls = textCalls(fake);
  expect(calls.length).toBeGreaterThan(0);
  for (const call of calls) {
    expect(call.body?.allowed_mentions, `${call.method} ${call.path}`).toEqual({
      parse: [],
      replied_user: false,
    });
  }
}

/** The number of ``` fences in `text` is even: no code block left open. */
export function fencesBalanced(text: string): boolean {
  return (text.split("```").length - 1) % 2 === 0;
}
