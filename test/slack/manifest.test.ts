import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";

const manifest = readFileSync(new URL("../../slack-app-manifest.yaml", import.meta.url), "utf8");
/** The `- item` entries of the manifest (enough for a flat check; no YAML parser is installed). */
const listItems = new Set([...manifest.matchAll(/^\s*- (?:command: )?([\w:./]+)/gm)].map((m) => m[1]));

describe("slack-app-manifest.yaml", () => {
  it("asks for every scope and event the adapter uses", () => {
    for (const scope of [
      "app_mentions:read",
      "chat:write",
      "commands",
      "im:history",
      "im:read",
      "im:write",
      "users:read",
      "channels:history",
      "groups:history",
    ]) {
      expect(listItems).toContain(scope);
    }
    for (const event of ["app_mention", "message.im", "message.channels", "message.groups"]) {
      expect(listItems).toContain(event);
    }
  });

  it("defines the default slash commands, all sent to /slack/events", () => {
    const config = parseConfig({ OPENAI_API_KEY: "sk-x" });
    for (const name of [
      config.SLACK_COMMAND_ASK,
      config.SLACK_COMMAND_RESET,
      config.SLACK_COMMAND_USAGE,
      config.SLACK_COMMAND_HELP,
      config.SLACK_COMMAND_CONFIG,
    ]) {
      expect(listItems).toContain(name);
    }
    const urls = [...manifest.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]);
    expect(urls.length).toBe(7);
    for (const url of urls) expect(url).toMatch(/\/slack\/events$/);
  });
});
