import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.ts";
import {
  configuredSecrets,
  SecretStreamScrubber,
  scrubSecrets,
} from "../../src/observability/secret-scrubber.ts";
import { LogCapture } from "../support/log-capture.ts";

const environment = {
  OPENAI_API_KEY: "sk-scrub-test-openai-key-1234",
  SLACK_BOT_TOKEN: "xoxb-scrub-test-bot-token",
  SLACK_APP_TOKEN: "xapp-scrub-test-app-token",
  SLACK_SIGNING_SECRET: "scrub-test-signing-secret",
  DISCORD_TOKEN: "scrub.test.discord-token",
  REDIS_URL: "redis://:scrub-redis-password@127.0.0.1:6379",
  OPENAI_MODEL: "gpt-4.1-mini",
};

describe("secrets inside strings (#9)", () => {
  it("collects every configured secret, and nothing that is not one", () => {
    const secrets = configuredSecrets(environment);
    expect(new Set(secrets)).toEqual(
      new Set([
        environment.OPENAI_API_KEY,
        environment.SLACK_BOT_TOKEN,
        environment.SLACK_APP_TOKEN,
        environment.SLACK_SIGNING_SECRET,
        environment.DISCORD_TOKEN,
        environment.REDIS_URL,
        "scrub-redis-password",
      ]),
    );
  });

  it("scrubs a secret from every field of every log line: message, error text, nested objects", () => {
    const logs = new LogCapture();
    const logger = createLogger("debug", logs, { secrets: configuredSecrets(environment) });
    const error = new Error(`401 Incorrect API key provided: ${environment.OPENAI_API_KEY}`);
    logger.warn({ error: { message: error.message } }, "upstream said no");
    logger.info(
      { deep: { list: [`token=${environment.SLACK_BOT_TOKEN}`] } },
      `app ${environment.SLACK_APP_TOKEN}`,
    );
    logger.error({ url: environment.REDIS_URL, discord: environment.DISCORD_TOKEN }, "redis down");
    logger.debug(`signed with ${environment.SLACK_SIGNING_SECRET}`);
    const text = logs.text();
    for (const secret of configuredSecrets(environment)) expect(text).not.toContain(secret);
    expect(logs.entries()).toHaveLength(4);
    expect(text).toContain("Incorrect API key provided: [redacted]");
  });

  it("scrubs the longer of two overlapping secrets whole", () => {
    expect(scrubSecrets("a abcdefgh-long b abcdefgh", ["abcdefgh-long", "abcdefgh"])).toBe(
      "a [redacted] b [redacted]",
    );
  });
});

describe("secrets in what users are shown (#9)", () => {
  it("a streamed text has its secrets scrubbed wherever the pieces split them, ordinary text unheld", () => {
    const secret = "sk-stream-secret-123456";
    const text = `a ${secret} b ${secret}`;
    for (let size = 1; size <= text.length; size += 1) {
      const scrubber = new SecretStreamScrubber([secret]);
      const out: string[] = [];
      for (let at = 0; at < text.length; at += size) out.push(scrubber.push(text.slice(at, at + size)));
      out.push(scrubber.end());
      expect(out.join("")).toBe("a [redacted] b [redacted]");
      expect(out.join("")).not.toContain("sk-stream");
    }
    const plain = new SecretStreamScrubber([secret]);
    expect(plain.push("hello ")).toBe("hello ");
    expect(plain.push("world")).toBe("world");
  });
});
