import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";

function read(name: string) {
  const text = readFileSync(new URL(`../../${name}`, import.meta.url), "utf8");
  /** The `- item` entries (enough for a flat check; no YAML parser is installed). */
  const items = new Set([...text.matchAll(/^\s*- (?:command: )?([\w:./]+)/gm)].map((m) => m[1]));
  return { text, items };
}

const minimal = read("slack-app-manifest.yaml");
const threads = read("slack-app-manifest.reply-in-threads.yaml");

const minimalScopes = [
  "app_mentions:read",
  "chat:write",
  "commands",
  "im:history",
  "mpim:history",
  "users:read",
];
const minimalEvents = ["app_mention", "message.im", "message.mpim"];
const threadScopes = ["channels:history", "groups:history"];
const threadEvents = ["message.channels", "message.groups"];

describe("the Slack app manifests (#12)", () => {
  it("the minimal one asks for what mentions, DMs, group DMs and commands use, and nothing more", () => {
    for (const item of [...minimalScopes, ...minimalEvents]) expect(minimal.items).toContain(item);
    for (const unused of ["im:read", "im:write", ...threadScopes, ...threadEvents]) {
      expect(minimal.items).not.toContain(unused);
    }
    // No interactive handlers exist, so no interactivity section either.
    expect(minimal.text).not.toMatch(/interactivity:/);
  });

  it("the reply-in-threads one adds only the message events and scopes that mode needs", () => {
    for (const item of [...minimalScopes, ...minimalEvents, ...threadScopes, ...threadEvents]) {
      expect(threads.items).toContain(item);
    }
    expect(threads.items.size).toBe(minimal.items.size + threadScopes.length + threadEvents.length);
    expect(threads.text).not.toMatch(/interactivity:|im:read|im:write/);
  });

  it("both define the default slash commands, all sent to /slack/events", () => {
    const config = parseConfig({ OPENAI_API_KEY: "sk-x" });
    for (const manifest of [minimal, threads]) {
      for (const name of [
        config.SLACK_COMMAND_ASK,
        config.SLACK_COMMAND_RESET,
        config.SLACK_COMMAND_USAGE,
        config.SLACK_COMMAND_HELP,
        config.SLACK_COMMAND_CONFIG,
      ]) {
        expect(manifest.items).toContain(name);
      }
      const urls = [...manifest.text.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]);
      expect(urls.length).toBe(6);
      for (const url of urls) expect(url).toMatch(/\/slack\/events$/);
    }
  });
});
