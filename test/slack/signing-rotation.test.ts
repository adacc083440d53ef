import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signingSecretsOf } from "../../adapters/slack/signing-secrets.ts";
import { eventEnvelope, mentionEvent, postCommand, postEvent } from "../fakes/slack/signed-requests.ts";
import { type SlackHarness, startSlackHarness } from "./harness.ts";

// Slack's rotation: the app settings show a new secret while requests may still be signed with the old.
const OLD_SECRET = "old-CANARY-signing-secret";
const NEW_SECRET = "new-CANARY-signing-secret";

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ SLACK_SIGNING_SECRET: `${OLD_SECRET}, ${NEW_SECRET}` });
});
afterAll(async () => {
  await h.close();
});

let ts = 5000;
const mention = (text: string) => {
  ts += 1;
  return {
    ts: `${ts}.000100`,
    body: eventEnvelope(mentionEvent({ user: "U1", channel: "C9", ts: `${ts}.000100`, text })),
  };
};

describe("two signing secrets during a rotation window", () => {
  it("reads comma-separated secrets, trimmed", () => {
    expect(signingSecretsOf(" a , b ")).toEqual(["a", "b"]);
    expect(signingSecretsOf("only")).toEqual(["only"]);
  });

  it("answers requests signed with the old secret and with the new one", async () => {
    const byOld = mention("<@UBOT> signed with the old secret");
    const byNew = mention("<@UBOT> signed with the new secret");
    expect((await postEvent(h.eventsUrl, OLD_SECRET, byOld.body)).status).toBe(200);
    expect((await postEvent(h.eventsUrl, NEW_SECRET, byNew.body)).status).toBe(200);
    await h.slack.waitFor(
      () =>
        h.slack.messagesIn("C9", byOld.ts).some((m) => m.text.includes("Echo: signed with the old secret")) &&
        h.slack.messagesIn("C9", byNew.ts).some((m) => m.text.includes("Echo: signed with the new secret")),
      "both answers",
    );
  });

  it("a slash command signed with either secret is taken", async () => {
    const fields = {
      command: "/help",
      text: "",
      user_id: "U1",
      channel_id: "C9",
      team_id: "T1",
      response_url: "",
    };
    for (const secret of [OLD_SECRET, NEW_SECRET]) {
      expect((await postCommand(h.eventsUrl, secret, fields)).status, secret).toBe(200);
    }
  });

  it("refuses a request signed by neither, a stale one and an unsigned one, and asks nothing upstream", async () => {
    const before = h.core.fakeOpenAI.requests.length;
    const forged = await postEvent(h.eventsUrl, NEW_SECRET, mention("<@UBOT> forged").body, {
      signWith: "a-third-secret",
    });
    const stale = await postEvent(h.eventsUrl, OLD_SECRET, mention("<@UBOT> stale").body, {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    const unsigned = await fetch(h.eventsUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(mention("<@UBOT> unsigned").body),
    });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    await h.adapter.idle();
    expect(h.core.fakeOpenAI.requests.length).toBe(before);
    expect(h.core.logs.text()).not.toContain("CANARY-signing");
  });
});
