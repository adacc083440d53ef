import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretReloader } from "../../src/secrets/secret-reloader.ts";
import { eventEnvelope, mentionEvent, postEvent } from "../fakes/slack/signed-requests.ts";
import { tokenHash } from "../fakes/slack/web-api.ts";
import { BOT_TOKEN, SIGNING_SECRET, type SlackHarness, startSlackHarness } from "../slack/harness.ts";

const BAD_TOKEN = "xoxb-bad-CANARY-revoked-token";
const NEW_TOKEN = "xoxb-new-CANARY-rotated-token";

let h: SlackHarness;
let dir: string;
let tokenFile: string;
let reloader: SecretReloader;
beforeAll(async () => {
  h = await startSlackHarness();
  dir = mkdtempSync(join(tmpdir(), "slack-token-"));
  tokenFile = join(dir, "slack_bot_token");
  writeFileSync(tokenFile, `${BOT_TOKEN}\n`);
  reloader = new SecretReloader({
    environment: { SLACK_BOT_TOKEN_FILE: tokenFile },
    inUse: { SLACK_BOT_TOKEN: BOT_TOKEN },
    rotatable: h.adapter.rotatableSecrets?.() ?? [],
    logger: h.core.logger,
    now: () => Date.now(),
  });
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

let ts = 7000;
async function askAndAnswer(text: string): Promise<string | undefined> {
  ts += 1;
  const root = `${ts}.000100`;
  const response = await postEvent(
    h.eventsUrl,
    SIGNING_SECRET,
    eventEnvelope(mentionEvent({ user: "U1", channel: "C7", ts: root, text: `<@UBOT> ${text}` })),
  );
  expect(response.status).toBe(200);
  await h.slack.waitFor(
    () => h.slack.messagesIn("C7", root).some((message) => message.text === `Echo: ${text}`),
    `the answer to "${text}"`,
  );
  await h.adapter.idle();
  return h.slack.callsTo("chat.postMessage").at(-1)?.tokenHash;
}

describe("SLACK_BOT_TOKEN swapped while running", () => {
  it("a token Slack refuses in auth.test is logged once and the old one keeps working", async () => {
    h.slack.revokeToken(BAD_TOKEN);
    writeFileSync(tokenFile, `${BAD_TOKEN}\n`);
    expect((await reloader.reload("SIGHUP")).refused).toEqual(["SLACK_BOT_TOKEN"]);
    const refusals = h.core.logs
      .entries()
      .filter((entry) => entry.msg === "new secret refused; the old one stays in use");
    expect(refusals.map((entry) => [entry.secret, String(entry.err)])).toEqual([
      ["SLACK_BOT_TOKEN", expect.stringContaining("invalid_auth")],
    ]);
    expect(await askAndAnswer("still answering")).toBe(tokenHash(BOT_TOKEN));
  });

  it("a valid new token is checked with auth.test and used for every later call", async () => {
    writeFileSync(tokenFile, `${NEW_TOKEN}\n`);
    const authTests = h.slack.callsTo("auth.test").length;
    expect((await reloader.reload("SIGHUP")).swapped).toEqual(["SLACK_BOT_TOKEN"]);
    expect(
      h.slack
        .callsTo("auth.test")
        .slice(authTests)
        .map((call) => call.tokenHash),
    ).toEqual([tokenHash(NEW_TOKEN)]);
    // The old token is revoked once the new one is in: the bot no longer needs it.
    h.slack.revokeToken(BOT_TOKEN);
    expect(await askAndAnswer("with the new token")).toBe(tokenHash(NEW_TOKEN));
    const logs = h.core.logs.text();
    for (const token of [BOT_TOKEN, BAD_TOKEN, NEW_TOKEN]) expect(logs).not.toContain(token);
  });
});
