import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyFingerprint } from "../../src/secrets/fingerprint.ts";
import { type FakeResponse, lastUserMessage } from "../fakes/openai-server.ts";
import { TEST_OPENAI_KEY } from "../support/services.ts";
import {
  answerLands,
  deliverMention,
  E2E_TIMEOUT_MS,
  logged,
  type RunningBot,
  sample,
  shareE2EFakes,
  slackEnv,
} from "./e2e-support.ts";

// A real bot process reading its OpenAI key from a file: the operator replaces the file and sends
// SIGHUP while a slow answer streams. The next question goes out with the new key; the slow answer,
// sent with the old one, lands whole; /readyz and /metrics show the reload.

const e2e = shareE2EFakes({ slack: true });
const NEW_KEY = "sk-e2e-CANARY-rotated-key-3333";
const dir = mkdtempSync(join(tmpdir(), "secret-rotation-e2e-"));
const keyFile = join(dir, "openai_api_key");

beforeAll(() => {
  e2e.slack.setUser("U1", { displayName: "Ada" });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function secretsLoadedAt(bot: RunningBot): Promise<{ readyz: string; metric: number | undefined }> {
  const ready = (await (await fetch(`${bot.base}/readyz`)).json()) as {
    details: { secretsLoadedAt: string };
  };
  const metrics = await (await fetch(`${bot.base}/metrics`)).text();
  return {
    readyz: ready.details.secretsLoadedAt,
    metric: sample(metrics, "bot_secrets_last_reload_timestamp_seconds"),
  };
}

describe("SIGHUP with a new OpenAI key in the secret file", () => {
  it(
    "the next request carries the new key while the answer in flight completes with the old one",
    async () => {
      const { fleet, slack, openai } = e2e;
      openai.reset();
      writeFileSync(keyFile, `${TEST_OPENAI_KEY}\n`);
      const { OPENAI_API_KEY: _fromEnvironment, ...env } = slackEnv(slack, openai);
      const bot = await fleet.start({ ...env, OPENAI_API_KEY_FILE: keyFile, SECRETS_WATCH_INTERVAL_MS: "0" });
      const atStart = await secretsLoadedAt(bot);

      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let arrived = () => {};
      const inFlight = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      openai.setResponder(async (request): Promise<FakeResponse> => {
        const question = lastUserMessage(request);
        if (question !== "slow one") return { kind: "text", text: `Echo: ${question}` };
        arrived();
        await held;
        return { kind: "text", text: "The slow answer, whole.", chunks: 4 };
      });
      const slowRoot = "1700000400.000100";
      await deliverMention(bot, { ts: slowRoot, text: "slow one", eventId: "EvRotate1" });
      await inFlight;

      writeFileSync(keyFile, `${NEW_KEY}\n`);
      bot.child.kill("SIGHUP");
      await bot.waitForLog(logged("secrets reloaded"));

      const quickRoot = "1700000400.000200";
      await deliverMention(bot, { ts: quickRoot, text: "quick one", eventId: "EvRotate2" });
      await answerLands(slack, quickRoot, "Echo: quick one");
      release();
      await answerLands(slack, slowRoot, "The slow answer, whole.");

      const sentWith = (question: string) =>
        openai.requests.find((request) => lastUserMessage(request) === question)?.headers.authorization;
      expect(sentWith("slow one")).toBe(`Bearer ${TEST_OPENAI_KEY}`);
      expect(sentWith("quick one")).toBe(`Bearer ${NEW_KEY}`);
      expect(openai.modelListings).toEqual([`Bearer ${NEW_KEY}`]);

      const swapped = bot.logs.filter(logged("secret swapped; new requests use the new value"));
      expect(swapped.map((entry) => [entry.secret, entry.oldFingerprint, entry.keyFingerprint])).toEqual([
        ["OPENAI_API_KEY", keyFingerprint(TEST_OPENAI_KEY), keyFingerprint(NEW_KEY)],
      ]);
      const afterReload = await secretsLoadedAt(bot);
      expect(afterReload.readyz > atStart.readyz).toBe(true);
      expect(afterReload.metric).toBeGreaterThan(atStart.metric ?? Number.POSITIVE_INFINITY);

      const everything = JSON.stringify(bot.logs) + bot.stderr();
      expect(everything).not.toContain(NEW_KEY);
      expect(everything).not.toContain(TEST_OPENAI_KEY);
      expect(await bot.stop("SIGTERM")).toBe(0);
    },
    E2E_TIMEOUT_MS,
  );
});
