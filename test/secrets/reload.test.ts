import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { apiKeyRotation } from "../../src/llm/api-key-rotation.ts";
import { OpenAiChatClient } from "../../src/llm/openai-client.ts";
import { keyFingerprint } from "../../src/secrets/fingerprint.ts";
import { type ReloadOutcome, SecretReloader } from "../../src/secrets/secret-reloader.ts";
import { dayOf, usageKeys } from "../../src/usage/usage-keys.ts";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { asker } from "../integration/engine-support.ts";
import { createTestServices, TEST_OPENAI_KEY, type TestServices } from "../support/services.ts";

const NEW_KEY = "sk-new-CANARY-rotated-key-1111";
const BAD_KEY = "sk-bad-CANARY-revoked-key-2222";

let core: TestServices | undefined;
let dir: string | undefined;
let stopWatching = () => {};
afterEach(async () => {
  stopWatching();
  await core?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  core = undefined;
  dir = undefined;
});

/** Services started with TEST_OPENAI_KEY, read from a secret file that the test then rewrites. */
async function rotatingBot() {
  core = await createTestServices({ LLM_TIMEOUT_MS: "20000" });
  dir = mkdtempSync(join(tmpdir(), "secret-reload-"));
  const keyFile = join(dir, "openai_api_key");
  writeFileSync(keyFile, `${TEST_OPENAI_KEY}\n`);
  const llm = core.services.llm;
  if (!(llm instanceof OpenAiChatClient)) throw new Error("expected the real client");
  const reloads: number[] = [];
  const reloaded: (() => void)[] = [];
  const reloader = new SecretReloader({
    environment: { OPENAI_API_KEY_FILE: keyFile },
    inUse: { OPENAI_API_KEY: TEST_OPENAI_KEY },
    rotatable: [apiKeyRotation(llm, core.logger)],
    logger: core.logger,
    now: () => 1_800_000_000_000 + reloads.length,
    onReloaded: (at) => {
      reloads.push(at);
      for (const wake of reloaded.splice(0)) wake();
    },
  });
  return {
    core,
    reloader,
    reloads,
    writeKey: (key: string) => writeFileSync(keyFile, `${key}\n`),
    nextReload: () => new Promise<void>((resolve) => reloaded.push(resolve)),
    ask: asker(() => core as TestServices),
  };
}

const bearer = (core: TestServices, index: number) => core.fakeOpenAI.requests[index]?.headers.authorization;

describe("rotating the OpenAI key without a restart", () => {
  it("the next request carries the new key while an answer in flight finishes with the old one", async () => {
    const bot = await rotatingBot();
    let releaseSlow = () => {};
    const slowHeld = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    let slowArrived = () => {};
    const slowSeen = new Promise<void>((resolve) => {
      slowArrived = resolve;
    });
    bot.core.fakeOpenAI.setResponder(async (request) => {
      if (lastUserMessage(request) !== "slow question") return { kind: "text", text: "quick answer" };
      slowArrived();
      await slowHeld;
      return { kind: "text", text: "slow answer, complete", chunks: 4 };
    });

    const slow = bot.ask("slow question", { threadId: "slow" });
    await slowSeen;
    bot.writeKey(NEW_KEY);
    const outcome = await bot.reloader.reload("SIGHUP");
    expect(outcome).toEqual<ReloadOutcome>({ swapped: ["OPENAI_API_KEY"], refused: [], needRestart: [] });
    // The new key was checked with the endpoint before use.
    expect(bot.core.fakeOpenAI.modelListings).toEqual([`Bearer ${NEW_KEY}`]);

    const quick = await bot.ask("quick question", { threadId: "quick" });
    expect(quick.result.text).toBe("quick answer");
    releaseSlow();
    const slowResult = await slow;
    expect(slowResult.result.text).toBe("slow answer, complete");
    expect(slowResult.result.finishReason).toBe("stop");

    expect([bearer(bot.core, 0), bearer(bot.core, 1)]).toEqual([
      `Bearer ${TEST_OPENAI_KEY}`,
      `Bearer ${NEW_KEY}`,
    ]);
    // Usage and logs tell the two keys apart by fingerprint, and name neither key.
    const board = await bot.core.services.stores.usage.top(usageKeys.apiKeysDay(dayOf(Date.now())), 5);
    expect(board.map((entry) => entry.member).sort()).toEqual(
      [keyFingerprint(TEST_OPENAI_KEY), keyFingerprint(NEW_KEY)].sort(),
    );
    const finished = bot.core.logs.entries().filter((entry) => entry.msg === "llm call finished");
    expect(finished.map((entry) => entry.keyFingerprint).sort()).toEqual(board.map((e) => e.member).sort());
    expect(bot.core.logs.text()).not.toContain(NEW_KEY);
    expect(bot.core.logs.text()).not.toContain(TEST_OPENAI_KEY);
    expect(bot.reloads).toHaveLength(1);
  });

  it("a new key the endpoint refuses is logged once and the old key stays in use", async () => {
    const bot = await rotatingBot();
    bot.core.fakeOpenAI.refuseKey(BAD_KEY);
    bot.writeKey(BAD_KEY);
    const outcome = await bot.reloader.reload("SIGHUP");
    expect(outcome.refused).toEqual(["OPENAI_API_KEY"]);
    const refusals = bot.core.logs.entries().filter((entry) => entry.level === 50);
    expect(refusals.map((entry) => [entry.msg, entry.secret, entry.refusedFingerprint])).toEqual([
      ["new secret refused; the old one stays in use", "OPENAI_API_KEY", keyFingerprint(BAD_KEY)],
    ]);
    expect(bot.reloads).toEqual([]);

    const answer = await bot.ask("still there?");
    expect(answer.result.text).toBe("Echo: still there?");
    expect(bearer(bot.core, 0)).toBe(`Bearer ${TEST_OPENAI_KEY}`);
    expect(bot.core.logs.text()).not.toContain(BAD_KEY);
  });

  it("a secret file that cannot be read on reload is one error line, and the key in use stays", async () => {
    const bot = await rotatingBot();
    rmSync(join(dir ?? "", "openai_api_key"));
    expect((await bot.reloader.reload("SIGHUP")).refused).toEqual(["OPENAI_API_KEY"]);
    const errors = bot.core.logs.entries().filter((entry) => entry.level === 50);
    expect(errors.map((entry) => entry.msg)).toEqual([
      "secret reload: a secret file could not be read; the old value stays",
    ]);
    expect(String(errors[0]?.problem)).toContain("OPENAI_API_KEY_FILE names ");
    await bot.ask("after the file vanished");
    expect(bearer(bot.core, 0)).toBe(`Bearer ${TEST_OPENAI_KEY}`);
    expect(bot.reloads).toEqual([]);
  });

  it("a changed secret file is picked up without a signal", async () => {
    const bot = await rotatingBot();
    stopWatching = bot.reloader.watchFiles(20);
    const reloaded = bot.nextReload();
    bot.writeKey(NEW_KEY);
    await reloaded;
    await bot.ask("after the file changed");
    expect(bearer(bot.core, 0)).toBe(`Bearer ${NEW_KEY}`);
  });

  it("a changed platform token is reported as needing a restart, with no value logged", async () => {
    const bot = await rotatingBot();
    const tokenFile = join(dir ?? "", "discord_token");
    writeFileSync(tokenFile, "CANARY-discord-token-2\n");
    const reloader = new SecretReloader({
      environment: { DISCORD_TOKEN_FILE: tokenFile },
      inUse: { DISCORD_TOKEN: "CANARY-discord-token-1" },
      rotatable: [],
      logger: bot.core.logger,
      now: () => 0,
    });
    expect((await reloader.reload("SIGHUP")).needRestart).toEqual(["DISCORD_TOKEN"]);
    expect(bot.core.logs.text()).not.toContain("CANARY-discord");
  });
});
