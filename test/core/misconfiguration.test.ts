import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { parse as parseDotenv } from "dotenv";
import { describe, expect, it } from "vitest";
import { ConfigError, configWarnings, parseConfig } from "../../src/config/config.ts";
import { createMetrics } from "../../src/monitoring/metrics.ts";
import { FakeDiscord } from "../fakes/discord/server.ts";

const run = promisify(execFile);
const base = { OPENAI_API_KEY: "sk-a-real-looking-key-123" };

function problemsOf(environment: Record<string, string>): string[] {
  try {
    parseConfig(environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe("misconfiguration that never ends (#11)", () => {
  it("refuses a bot token pasted into SLACK_APP_TOKEN, without echoing it", () => {
    const pasted = "xoxb-1234-pasted-bot-token";
    const problems = problemsOf({ ...base, SLACK_BOT_TOKEN: "xoxb-1-real", SLACK_APP_TOKEN: pasted });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SLACK_APP_TOKEN is not an app-level token \(they start with xapp-\)/);
    expect(problems.join("\n")).not.toContain(pasted);
  });

  it("refuses .env.example's placeholder values by name", () => {
    const example = parseDotenv(readFileSync(".env.example", "utf8"));
    // Uncommented lines are the ones a copy of the file sets; fill in what the example leaves commented.
    const problems = problemsOf({
      ...example,
      SLACK_BOT_TOKEN: "xoxb-your-bot-token",
      SLACK_SIGNING_SECRET: "your-signing-secret",
      DISCORD_TOKEN: "your-discord-bot-token",
    });
    for (const name of ["OPENAI_API_KEY", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"]) {
      expect(problems.some((problem) => problem.startsWith(`${name} is still the placeholder`))).toBe(true);
    }
  });

  it("warns when SLACK_BOT_TOKEN is set without a signing secret or an app token", () => {
    expect(configWarnings(parseConfig({ ...base, SLACK_BOT_TOKEN: "xoxb-1-real" }))).toEqual([
      expect.stringMatching(
        /^SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET .* Slack is not started\.$/,
      ),
    ]);
    const complete = { ...base, SLACK_BOT_TOKEN: "xoxb-1-real", SLACK_SIGNING_SECRET: "a-signing-secret" };
    expect(configWarnings(parseConfig(complete))).toEqual([]);
  });

  it("exports bot_redis_up only when Redis is configured", async () => {
    const withoutRedis = createMetrics({ processMetrics: false });
    withoutRedis.watch({});
    expect((await withoutRedis.render()).body).not.toContain("bot_redis_up");
    const withRedis = createMetrics({ processMetrics: false });
    withRedis.watch({ redisReady: () => true });
    expect((await withRedis.render()).body).toContain("bot_redis_up 1");
  });

  it("npm run discord:register needs no OPENAI_API_KEY", async () => {
    const discord = await FakeDiscord.start();
    try {
      const { stdout } = await run(process.execPath, ["--import", "tsx", "app/discord-register.ts"], {
        env: { PATH: process.env.PATH ?? "", DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl },
        timeout: 60_000,
      });
      expect(stdout).toMatch(/^Registered \d+ slash commands globally/);
    } finally {
      await discord.close();
    }
  }, 60_000);
});
