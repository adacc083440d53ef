import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, isSecretVariable, machineShardIds, parseConfig } from "../../src/config/config.ts";
import { loadConfigOrExit } from "../../src/config/load.ts";
import { env } from "../../src/config/variable.ts";
import { allVariables } from "../../src/config/variables/index.ts";
import { problemsOf } from "../support/config-problems.ts";

const KEY = "sk-CANARY-config-key-1234";
const minimal = { OPENAI_API_KEY: KEY };

describe("parseConfig", () => {
  it("needs only the API key and fills documented defaults", () => {
    const config = parseConfig(minimal);
    expect(config).toMatchObject({
      OPENAI_API_KEY: KEY,
      MAX_TOKENS: 1024,
      HISTORY_MAX_TOKENS: 8000,
      HISTORY_MAX_MESSAGES: 20,
      CACHE_TTL_SECONDS: 3600,
      LOG_LEVEL: "info",
    });
    for (const unset of ["OPENAI_BASE_URL", "TEMPERATURE", "TOP_P", "LLM_RPM", "LLM_TPM"] as const) {
      expect(config[unset], unset).toBeUndefined();
    }
    expect(config.OPENAI_MODEL.length).toBeGreaterThan(0);
    expect(config.SYSTEM_PROMPT.toLowerCase()).toContain("language");
  });

  it("lists every problem at once, each naming its variable and how to fix it", () => {
    const problems = problemsOf({
      TEMPERATURE: "hot",
      MAX_TOKENS: "-5",
      LOG_LEVEL: "loud",
      OPENAI_BASE_URL: "not a url",
      DISCORD_AUTO_THREAD: "maybe",
      LLM_MAX_CONCURRENCY: "2.5",
    });
    const named = [
      "OPENAI_API_KEY",
      "TEMPERATURE",
      "MAX_TOKENS",
      "LOG_LEVEL",
      "OPENAI_BASE_URL",
      "DISCORD_AUTO_THREAD",
    ];
    for (const name of [...named, "LLM_MAX_CONCURRENCY"]) {
      expect(
        problems.some((p) => p.startsWith(`${name} `)),
        name,
      ).toBe(true);
    }
    expect(problems.find((p) => p.startsWith("OPENAI_API_KEY"))).toContain("is missing");
    expect(problems.find((p) => p.startsWith("TEMPERATURE"))).toContain("is invalid");
    for (const problem of problems) expect(problem).toContain(".env");
  });

  it("reports a conflict between variables together with the other problems", () => {
    const problems = problemsOf({ TEMPERATURE: "hot", HISTORY_MAX_TOKENS: "1000", MAX_TOKENS: "900" });
    expect(problems.some((p) => p.startsWith("OPENAI_API_KEY"))).toBe(true);
    expect(problems.some((p) => p.startsWith("TEMPERATURE"))).toBe(true);
    expect(problems.some((p) => p.includes("HISTORY_MAX_TOKENS") && p.includes("MAX_TOKENS"))).toBe(true);
  });

  it("rejects a window that leaves too little room for the prompt once the answer is reserved", () => {
    const problems = problemsOf({ ...minimal, HISTORY_MAX_TOKENS: "1000", MAX_TOKENS: "900" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("MAX_TOKENS");
    expect(parseConfig({ ...minimal, HISTORY_MAX_TOKENS: "1000", MAX_TOKENS: "700" }).MAX_TOKENS).toBe(700);
  });

  it("never echoes a value, whichever variable a secret was pasted into", () => {
    const canary = "xoxb-CANARY-pasted-in-the-wrong-place";
    for (const name of Object.keys(allVariables)) {
      let message = "";
      try {
        parseConfig({ ...minimal, [name]: canary });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        message = error.message;
      }
      expect(message, name).not.toContain(canary);
      expect(message, name).not.toContain("CANARY");
    }
  });

  it("never echoes the secrets that are set while reporting other problems", () => {
    const secrets = {
      OPENAI_API_KEY: KEY,
      DISCORD_TOKEN: "CANARY-discord-token",
      SLACK_BOT_TOKEN: "xoxb-CANARY-slack",
      SLACK_SIGNING_SECRET: "CANARY-signing",
      SLACK_APP_TOKEN: "xapp-CANARY-app",
    };
    let message = "";
    try {
      parseConfig({ ...secrets, TEMPERATURE: "9", LOG_LEVEL: "loud" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("TEMPERATURE");
    expect(message).not.toContain("CANARY");
  });

  it("marks every token and key as secret", () => {
    for (const name of [
      "OPENAI_API_KEY",
      "DISCORD_TOKEN",
      "SLACK_BOT_TOKEN",
      "SLACK_SIGNING_SECRET",
      "SLACK_APP_TOKEN",
    ]) {
      expect(isSecretVariable(name), name).toBe(true);
    }
    expect(isSecretVariable("OPENAI_MODEL")).toBe(false);
  });

  it("treats blank values as unset", () => {
    const config = parseConfig({
      ...minimal,
      OPENAI_BASE_URL: "",
      TEMPERATURE: "   ",
      MAX_TOKENS: "",
      OPENAI_MODEL: " ",
      DISCORD_TOKEN: "",
    });
    expect(config.OPENAI_BASE_URL).toBeUndefined();
    expect(config.TEMPERATURE).toBeUndefined();
    expect(config.MAX_TOKENS).toBe(1024);
    expect(config.OPENAI_MODEL).toBe(parseConfig(minimal).OPENAI_MODEL);
    expect(config.DISCORD_TOKEN).toBeUndefined();
    expect(problemsOf({ OPENAI_API_KEY: "  \t " })[0]).toMatch(/^OPENAI_API_KEY is missing/);
  });

  it("reads numbers, trimming spaces and checking ranges", () => {
    const config = parseConfig({
      ...minimal,
      TEMPERATURE: " 0.7 ",
      TOP_P: "1",
      LLM_RPM: "3500",
      MAX_TOKENS: "256",
    });
    expect(config).toMatchObject({ TEMPERATURE: 0.7, TOP_P: 1, LLM_RPM: 3500, MAX_TOKENS: 256 });
    expect(problemsOf({ ...minimal, TEMPERATURE: "2.5" })[0]).toMatch(/^TEMPERATURE is invalid/);
    expect(problemsOf({ ...minimal, TOP_P: "-0.1" })[0]).toMatch(/^TOP_P is invalid/);
    expect(problemsOf({ ...minimal, LLM_RPM: "12abc" })[0]).toMatch(/^LLM_RPM is invalid/);
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    [" on ", true],
    ["false", false],
    ["0", false],
    ["No", false],
    ["off", false],
  ])("reads the boolean %j as %s", (value, expected) => {
    expect(parseConfig({ ...minimal, DISCORD_AUTO_THREAD: value }).DISCORD_AUTO_THREAD).toBe(expected);
  });

  it("rejects a boolean it cannot read", () => {
    expect(problemsOf({ ...minimal, DISCORD_AUTO_THREAD: "maybe" })[0]).toMatch(
      /^DISCORD_AUTO_THREAD is invalid/,
    );
  });

  it("reads lists separated by commas or whitespace, ignoring empty items", () => {
    const list = env.list();
    expect(list.parse("C1, C2 C3,,\nC4 ")).toEqual(["C1", "C2", "C3", "C4"]);
    expect(list.parse("")).toEqual([]);
    expect(parseConfig({ ...minimal, ADMIN_USER_IDS: "U1,U2  U3" }).ADMIN_USER_IDS).toEqual([
      "U1",
      "U2",
      "U3",
    ]);
    expect(parseConfig({ ...minimal, ADMIN_USER_IDS: "  " }).ADMIN_USER_IDS).toEqual([]);
  });

  it("reads enums case-insensitively", () => {
    expect(parseConfig({ ...minimal, LOG_LEVEL: "DEBUG", CACHE_SCOPE: " Channel " })).toMatchObject({
      LOG_LEVEL: "debug",
      CACHE_SCOPE: "channel",
    });
  });
});

describe("DISCORD_SHARD_IDS (a machine's part of the shards)", () => {
  it("reads ids and inclusive ranges, sorted and without repeats", () => {
    const config = parseConfig({ ...minimal, DISCORD_SHARDS: "24", DISCORD_SHARD_IDS: " 16, 0-7 3 16-16" });
    expect(config.DISCORD_SHARD_IDS).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 16]);
    expect(parseConfig(minimal).DISCORD_SHARD_IDS).toBeUndefined();
    expect(parseConfig({ ...minimal, DISCORD_SHARD_IDS: " " }).DISCORD_SHARD_IDS).toBeUndefined();
  });

  it("refuses what is not an id or a range, naming the entry", () => {
    for (const [given, message] of [
      ["0-7,x", "entry 2 is not a shard id"],
      ["1 3-1", "entry 2 is a range that runs backwards"],
      ["-2", "entry 1 is not a shard id"],
      ["0-100000", "entry 1 is not a shard id"],
      [",", "expected shard ids or ranges"],
    ] as const) {
      const problems = problemsOf({ ...minimal, DISCORD_SHARDS: "8", DISCORD_SHARD_IDS: given });
      expect(problems, given).toHaveLength(1);
      expect(problems[0], given).toContain("DISCORD_SHARD_IDS is invalid");
      expect(problems[0], given).toContain(message);
    }
  });

  it("needs an explicit DISCORD_SHARDS that every listed id is below", () => {
    expect(problemsOf({ ...minimal, DISCORD_SHARD_IDS: "0-3" })).toEqual([
      expect.stringContaining("DISCORD_SHARD_IDS needs DISCORD_SHARDS set to the total"),
    ]);
    expect(problemsOf({ ...minimal, DISCORD_SHARDS: "auto", DISCORD_SHARD_IDS: "0-3" })).toHaveLength(1);
    expect(problemsOf({ ...minimal, DISCORD_SHARDS: "8", DISCORD_SHARD_IDS: "6-9,2" })).toEqual([
      "DISCORD_SHARD_IDS names shard 8, 9, but DISCORD_SHARDS is 8 (ids run 0 to 7).",
    ]);
    // Reported alongside other problems too, when the rest of the environment is invalid.
    const problems = problemsOf({ DISCORD_SHARDS: "2", DISCORD_SHARD_IDS: "2" });
    expect(problems.some((problem) => problem.startsWith("OPENAI_API_KEY is missing"))).toBe(true);
    expect(problems).toContain("DISCORD_SHARD_IDS names shard 2, but DISCORD_SHARDS is 2 (ids run 0 to 1).");
    expect(
      parseConfig({ ...minimal, DISCORD_SHARDS: "8", DISCORD_SHARD_IDS: "4-7" }).DISCORD_SHARD_IDS,
    ).toEqual([4, 5, 6, 7]);
  });
});

describe("DISCORD_SHARD_GROUP (a StatefulSet pod's consecutive run of shards)", () => {
  const grouped = (group: string) =>
    parseConfig({
      ...minimal,
      DISCORD_SHARDS: "10",
      DISCORD_SHARDS_PER_GROUP: "4",
      DISCORD_SHARD_GROUP: group,
    });

  it("picks group × size onwards, the last group cut at the total", () => {
    expect(machineShardIds(grouped("0"), 10)).toEqual([0, 1, 2, 3]);
    expect(machineShardIds(grouped("1"), 10)).toEqual([4, 5, 6, 7]);
    expect(machineShardIds(grouped("2"), 10)).toEqual([8, 9]);
    expect(
      machineShardIds(parseConfig({ ...minimal, DISCORD_SHARDS: "8", DISCORD_SHARD_IDS: "1,5" }), 8),
    ).toEqual([1, 5]);
    expect(machineShardIds(parseConfig(minimal), 3)).toEqual([0, 1, 2]);
  });

  it("refuses a group past the total, a missing size or total, and both ways at once", () => {
    expect(
      problemsOf({
        ...minimal,
        DISCORD_SHARDS: "10",
        DISCORD_SHARDS_PER_GROUP: "4",
        DISCORD_SHARD_GROUP: "3",
      }),
    ).toEqual([
      "DISCORD_SHARD_GROUP 3 of 4 shards starts at shard 12, past the last of DISCORD_SHARDS (10): run at most 3 groups.",
    ]);
    expect(problemsOf({ ...minimal, DISCORD_SHARDS: "10", DISCORD_SHARD_GROUP: "0" })).toEqual([
      "DISCORD_SHARD_GROUP needs DISCORD_SHARDS_PER_GROUP (the shards of each group).",
    ]);
    expect(problemsOf({ ...minimal, DISCORD_SHARDS_PER_GROUP: "4", DISCORD_SHARD_GROUP: "0" })).toEqual([
      expect.stringContaining("DISCORD_SHARD_GROUP needs DISCORD_SHARDS set to the total"),
    ]);
    expect(
      problemsOf({
        ...minimal,
        DISCORD_SHARDS: "10",
        DISCORD_SHARDS_PER_GROUP: "4",
        DISCORD_SHARD_GROUP: "0",
        DISCORD_SHARD_IDS: "0-3",
      }),
    ).toEqual(["Set DISCORD_SHARD_IDS or DISCORD_SHARD_GROUP, not both: each picks this machine's shards."]);
  });
});

describe("loadConfigOrExit", () => {
  const cwd = process.cwd();
  let dir: string | undefined;

  afterEach(() => {
    process.chdir(cwd);
    if (dir) rmSync(dir, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  function inDirWithDotenv(contents: string) {
    dir = mkdtempSync(join(tmpdir(), "config-test-"));
    writeFileSync(join(dir, ".env"), contents);
    process.chdir(dir);
  }

  it("reads .env, letting the real environment win", () => {
    inDirWithDotenv(`OPENAI_API_KEY=${KEY}\nOPENAI_MODEL=from-dotenv\nMAX_TOKENS=512\n`);
    const config = loadConfigOrExit({ OPENAI_MODEL: "from-environment" });
    expect(config).toMatchObject({ OPENAI_API_KEY: KEY, OPENAI_MODEL: "from-environment", MAX_TOKENS: 512 });
  });

  it("prints one message and exits non-zero, without the secrets", () => {
    inDirWithDotenv(`DISCORD_TOKEN=CANARY-discord\nTEMPERATURE=hot\n`);
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    expect(() => loadConfigOrExit({})).toThrow(/^exit [1-9]/);
    const output = written.join("");
    expect(output).toContain("OPENAI_API_KEY");
    expect(output).toContain("TEMPERATURE");
    expect(output).not.toContain("CANARY");
    expect(written).toHaveLength(1);
  });
});
