import { afterEach, describe, expect, it } from "vitest";
import {
  createSlackAdapter,
  isSlackConfigured,
  type SlackAdapterOptions,
  SlackAuthError,
  SlackStartError,
} from "../../adapters/slack/index.ts";
import { parseConfig } from "../../src/config/config.ts";
import { type FakeSlack, startFakeSlack } from "../fakes/slack/web-api.ts";
import { createTestServices, type TestServices } from "../support/services.ts";
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } from "./harness.ts";

let slack: FakeSlack | undefined;
let core: TestServices | undefined;

afterEach(async () => {
  await core?.close();
  await slack?.close();
  core = undefined;
  slack = undefined;
});

async function setUp(env: Record<string, string>, options: SlackAdapterOptions = {}) {
  slack = await startFakeSlack();
  core = await createTestServices({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    ...env,
  });
  const adapter = createSlackAdapter(core.services, {
    host: "127.0.0.1",
    retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 20 },
    ...options,
  });
  return { slack, core, adapter };
}

describe("Slack adapter startup", () => {
  it("is configured with a bot token plus a signing secret or an app token", () => {
    const base = { OPENAI_API_KEY: "sk-x" };
    expect(isSlackConfigured(parseConfig(base))).toBe(false);
    expect(isSlackConfigured(parseConfig({ ...base, SLACK_BOT_TOKEN: BOT_TOKEN }))).toBe(false);
    expect(
      isSlackConfigured(parseConfig({ ...base, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: "s" })),
    ).toBe(true);
    expect(
      isSlackConfigured(parseConfig({ ...base, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN })),
    ).toBe(true);
  });

  it("rejects start() with a SlackAuthError when auth.test says invalid_auth", async () => {
    const { slack, adapter } = await setUp({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
    slack.failNext("auth.test", { kind: "error", error: "invalid_auth" });
    const failure = await adapter.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SlackAuthError);
    expect((failure as SlackAuthError).variable).toBe("SLACK_BOT_TOKEN");
    expect((failure as Error).message).toMatch(/SLACK_BOT_TOKEN \(invalid_auth\)/);
    expect((failure as Error).message).not.toContain(BOT_TOKEN);
    expect(adapter.httpServer).toBeUndefined();
    expect(slack.callsTo("auth.test")).toHaveLength(1);
    await adapter.stop();
  });

  it("rejects start() with a SlackStartError when Slack cannot be reached", async () => {
    const { slack, adapter } = await setUp({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
    slack.failNext("auth.test", { kind: "http", status: 503 }, 5);
    await expect(adapter.start()).rejects.toBeInstanceOf(SlackStartError);
    // One attempt plus the one retry the test configured: not the SDK's half hour of retries.
    expect(slack.callsTo("auth.test")).toHaveLength(2);
  });

  it("rejects start() with a SlackAuthError for a bad app token in Socket Mode", async () => {
    const { slack, adapter } = await setUp({ SLACK_APP_TOKEN: APP_TOKEN });
    slack.failNext("apps.connections.open", { kind: "error", error: "invalid_auth" });
    const failure = await adapter.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SlackAuthError);
    expect((failure as SlackAuthError).variable).toBe("SLACK_APP_TOKEN");
    await adapter.stop();
  });

  it("rejects start() with a SlackAuthError when the app token can never connect (not_allowed_token_type)", async () => {
    // The Socket Mode client would retry this error forever while health checks say 200 (#11).
    const { slack, adapter } = await setUp({ SLACK_APP_TOKEN: APP_TOKEN });
    slack.failNext("apps.connections.open", { kind: "error", error: "not_allowed_token_type" }, 100);
    const failure = await adapter.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SlackAuthError);
    expect((failure as SlackAuthError).message).toContain("SLACK_APP_TOKEN (not_allowed_token_type)");
    expect(slack.callsTo("apps.connections.open")).toHaveLength(1);
    await adapter.stop();
  });

  it("serves custom routes (health checks) on the events server", async () => {
    const { adapter } = await setUp(
      { SLACK_SIGNING_SECRET: SIGNING_SECRET },
      { customRoutes: [{ path: "/healthz", method: "GET", handler: (_req, res) => res.end("ok") }] },
    );
    await adapter.start();
    const address = adapter.httpServer?.address();
    const port = typeof address === "object" && address ? address.port : 0;
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe("ok");
    await adapter.stop();
    expect(adapter.httpServer).toBeUndefined();
  });
});
