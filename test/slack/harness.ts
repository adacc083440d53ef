import {
  createSlackAdapter,
  type SlackAdapter,
  type SlackAdapterOptions,
} from "../../adapters/slack/index.ts";
import type { AdapterServices } from "../../src/adapter.ts";
import { type FakeSlack, startFakeSlack } from "../fakes/slack/web-api.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { createTestServices, type TestServices } from "../support/services.ts";
import { CountingEngine } from "./counting-engine.ts";

/** Canary credentials: distinctive, so a scan of logs can prove none leaked. */
export const BOT_TOKEN = "xoxb-test-CANARY-bot-token";
export const APP_TOKEN = "xapp-test-CANARY-app-token";
export const SIGNING_SECRET = "test-CANARY-signing-secret";

export interface SlackHarness {
  slack: FakeSlack;
  core: TestServices;
  adapter: SlackAdapter;
  clock: ManualClock;
  /** The engine as the adapter sees it, counting finished questions. */
  engine: CountingEngine;
  /** Resolves once `count` questions in total are finished and the adapter has written all it will. */
  settled(count: number): Promise<void>;
  /** POST target for signed events and commands (HTTP mode). */
  eventsUrl: string;
  close(): Promise<void>;
}

/**
 * A real Bolt app on 127.0.0.1 with the real engine: its Web API calls go to a fake Slack, its
 * model calls to the fake OpenAI server. The streaming clock stands still unless a test moves it,
 * so each answer makes exactly one chat.update (the final one).
 */
export async function startSlackHarness(
  env: Record<string, string> = {},
  options: SlackAdapterOptions = {},
  extraServices: Pick<AdapterServices, "metrics"> = {},
): Promise<SlackHarness> {
  const slack = await startFakeSlack();
  const core = await createTestServices({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    ...env,
  });
  const clock = new ManualClock();
  const engine = new CountingEngine(core.services.engine);
  const adapter = createSlackAdapter(
    { ...core.services, ...extraServices, engine },
    {
      host: "127.0.0.1",
      clock,
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 },
      ...options,
    },
  );
  const close = async () => {
    await adapter.stop();
    await core.close();
    await slack.close();
  };
  try {
    await adapter.start();
  } catch (error) {
    await close();
    throw error;
  }
  const address = adapter.httpServer?.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const settled = async (count: number) => {
    await engine.waitForFinished(count);
    await adapter.idle();
  };
  return {
    slack,
    core,
    adapter,
    clock,
    engine,
    settled,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    close,
  };
}

/** Last user message the model received in request `index`. */
export function questionSent(core: TestServices, index: number): string | undefined {
  const messages = core.fakeOpenAI.requests[index]?.body.messages ?? [];
  return messages.filter((m) => m.role === "user").at(-1)?.content;
}
