import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Config, parseConfig, secretVariableNames } from "../../src/config/config.ts";
import { configurationTable, envExample } from "../../src/config/docs.ts";
import { problemsOf } from "../support/config-problems.ts";

const dir = mkdtempSync(join(tmpdir(), "secret-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid value for each secret (REDIS_URL must be a URL); each carries the canary marker. */
const values: Record<string, string> = {
  OPENAI_API_KEY: "sk-CANARY-from-a-file",
  DISCORD_TOKEN: "CANARY-discord-from-a-file",
  SLACK_BOT_TOKEN: "xoxb-CANARY-from-a-file",
  SLACK_SIGNING_SECRET: "CANARY-signing-from-a-file",
  SLACK_APP_TOKEN: "xapp-CANARY-from-a-file",
  REDIS_URL: "redis://:CANARY-password@127.0.0.1:6379",
};

function secretFile(name: string, content: string): string {
  const path = join(dir, name.toLowerCase());
  writeFileSync(path, content);
  return path;
}

describe("secrets from files (<NAME>_FILE)", () => {
  it("covers every secret variable", () => {
    expect([...secretVariableNames].sort()).toEqual(Object.keys(values).sort());
  });

  for (const name of Object.keys(values)) {
    it(`${name}_FILE gives ${name} the file's content without its trailing newline`, () => {
      const value = values[name] ?? "";
      const base = name === "OPENAI_API_KEY" ? {} : { OPENAI_API_KEY: "sk-plain" };
      const config = parseConfig({ ...base, [`${name}_FILE`]: secretFile(name, `${value}\n`) });
      expect(config[name as keyof Config]).toBe(value);
    });

    it(`${name} and ${name}_FILE both set is an error naming both, without the value`, () => {
      const value = values[name] ?? "";
      const problems = problemsOf({
        OPENAI_API_KEY: "sk-plain",
        [name]: value,
        [`${name}_FILE`]: secretFile(name, value),
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`${name} and ${name}_FILE are both set`);
      expect(problems.join("\n")).not.toContain("CANARY");
    });
  }

  it("a CRLF line ending is trimmed, inner whitespace of a value is kept", () => {
    const config = parseConfig({ OPENAI_API_KEY_FILE: secretFile("crlf", "sk-abc\r\n") });
    expect(config.OPENAI_API_KEY).toBe("sk-abc");
  });

  it("an unreadable file is one problem naming the _FILE variable and the path", () => {
    const missing = join(dir, "no-such-file");
    const problems = problemsOf({ OPENAI_API_KEY_FILE: missing });
    expect(problems).toEqual([`OPENAI_API_KEY_FILE names ${missing}, which cannot be read (ENOENT).`]);
  });

  it("a missing secret's message offers the _FILE form", () => {
    expect(problemsOf({})[0]).toContain("Set it or OPENAI_API_KEY_FILE");
  });

  it("the generated table and .env.example show the _FILE form of every secret", () => {
    const table = configurationTable();
    const example = envExample();
    for (const name of secretVariableNames) {
      expect(table).toContain(`\`${name}\` or \`${name}_FILE\``);
      expect(example).toMatch(new RegExp(`^# ${name}_FILE=/run/secrets/`, "m"));
    }
  });
});
