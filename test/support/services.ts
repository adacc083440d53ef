import { parseConfig } from "../../src/config/config.ts";
import type { Clock } from "../../src/llm/clock.ts";
import { createLogger, type Logger } from "../../src/observability/logger.ts";
import { configuredSecrets } from "../../src/observability/secret-scrubber.ts";
import { type BotServices, createServices, type ServiceOverrides } from "../../src/services.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.ts";
import { LogCapture } from "./log-capture.ts";

/** Canary secrets: distinctive, so a scan of logs and sent messages can prove none leaked. */
export const TEST_OPENAI_KEY = "sk-test-CANARY-openai-key-0000";

/**
 * A clock whose sleeps return at once and move time forward: retry and cool-down logic runs for real
 * (the waits it asks for are recorded), without a test ever sleeping.
 */
export class JumpingClock implements Clock {
  private offset = 0;
  readonly sleeps: number[] = [];

  now(): number {
    return Date.now() + this.offset;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    const target = this.now() + ms;
    await new Promise((resolve) => setImmediate(resolve));
    // Concurrent sleepers to one instant must not add up: move to the later of the targets.
    this.offset += Math.max(0, target - this.now());
  }
}

export interface TestServices {
  services: BotServices;
  fakeOpenAI: FakeOpenAI;
  logs: LogCapture;
  logger: Logger;
  clock: JumpingClock;
  close(): Promise<void>;
}

/** The real engine and LLM client wired to a fresh fake OpenAI server. */
export async function createTestServices(
  env: Record<string, string> = {},
  overrides: ServiceOverrides = {},
): Promise<TestServices> {
  const fakeOpenAI = await startFakeOpenAI();
  const environment = {
    OPENAI_API_KEY: TEST_OPENAI_KEY,
    OPENAI_BASE_URL: fakeOpenAI.url,
    OPENAI_MODEL: "test-model",
    LLM_TIMEOUT_MS: "2000",
    ...env,
  };
  const config = parseConfig(environment);
  const logs = new LogCapture();
  // Scrubbed as `npm start` does, from the same variables the configuration was read from.
  const logger = createLogger(env.LOG_LEVEL ?? "debug", logs, { secrets: configuredSecrets(environment) });
  const clock = new JumpingClock();
  const services = createServices(config, logger, { clock, ...overrides });
  return {
    services,
    fakeOpenAI,
    logs,
    logger,
    clock,
    close: () => fakeOpenAI.close(),
  };
}
