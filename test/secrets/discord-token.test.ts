import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretReloader } from "../../src/secrets/secret-reloader.ts";
import { type DiscordHarness, startDiscordHarness } from "../discord/harness.ts";
import { repliesTo, sendAndSettle } from "../discord/settle.ts";
import { mention } from "../fakes/discord/actors.ts";

const BAD_TOKEN = "bad-CANARY-discord-token";
const NEW_TOKEN = "new-CANARY-discord-token";

let h: DiscordHarness;
let dir: string;
let tokenFile: string;
let reloader: SecretReloader;
beforeAll(async () => {
  h = await startDiscordHarness();
  dir = mkdtempSync(join(tmpdir(), "discord-token-"));
  tokenFile = join(dir, "discord_token");
  writeFileSync(tokenFile, `${h.fake.token}\n`);
  reloader = new SecretReloader({
    environment: { DISCORD_TOKEN_FILE: tokenFile },
    inUse: { DISCORD_TOKEN: h.fake.token },
    rotatable: h.adapter.rotatableSecrets?.() ?? [],
    logger: h.logger,
    now: () => Date.now(),
  });
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

async function askAndAnswer(text: string): Promise<string[]> {
  const { state } = h.fake;
  const question = await sendAndSettle(h, {
    channelId: state.channels.general.id,
    content: `${mention(state.bot)} ${text}`,
  });
  return repliesTo(h, question);
}

describe("DISCORD_TOKEN swapped while running", () => {
  it("a token Discord refuses is logged once, and the old connection keeps answering", async () => {
    writeFileSync(tokenFile, `${BAD_TOKEN}\n`);
    expect((await reloader.reload("SIGHUP")).refused).toEqual(["DISCORD_TOKEN"]);
    const refusals = h.logs
      .entries()
      .filter((entry) => entry.msg === "new secret refused; the old one stays in use");
    expect(refusals.map((entry) => entry.secret)).toEqual(["DISCORD_TOKEN"]);
    expect(h.fake.gateway.identifies).toHaveLength(1);
    expect(await askAndAnswer("still there?")).toEqual(["Echo: still there?"]);
  });

  it("a new token reconnects the gateway with it; answers follow on the new connection, once", async () => {
    // Reset Token in the Developer Portal: the old token stops working at once.
    h.fake.resetToken(NEW_TOKEN);
    writeFileSync(tokenFile, `${NEW_TOKEN}\n`);
    const callsBefore = h.fake.calls.length;
    expect((await reloader.reload("SIGHUP")).swapped).toEqual(["DISCORD_TOKEN"]);
    expect(h.fake.gateway.identifies).toHaveLength(2);
    expect(await askAndAnswer("after the reset")).toEqual(["Echo: after the reset"]);
    const later = h.fake.calls.slice(callsBefore).filter((call) => !call.path.startsWith("/interactions/"));
    expect(later.length).toBeGreaterThan(0);
    expect(later.filter((call) => !call.authorized)).toEqual([]);
    const logs = h.logs.text();
    for (const token of [BAD_TOKEN, NEW_TOKEN]) expect(logs).not.toContain(token);
  });
});
