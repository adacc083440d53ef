import { afterAll, beforeAll, beforeEach } from "vitest";
import { createDiscordAdapter, type DiscordAdapter } from "../../adapters/discord/index.ts";
import { FakeDiscord, type FakeDiscordOptions } from "../fakes/discord/server.ts";
import type { FakeDiscordState } from "../fakes/discord/state.ts";
import { createTestServices, type TestServices } from "../support/services.ts";

export interface DiscordHarness extends TestServices {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
}

/**
 * The real adapter (real discord.js, real engine) connected to a fake Discord and a fake OpenAI.
 * Edits are throttled to one an hour by default, so a streamed answer makes exactly one post and one
 * final edit per message: counts do not depend on how fast the machine is.
 */
export async function startDiscordHarness(
  /** Settings, or a function of the fake's world for settings that name its ids. */
  env: Record<string, string> | ((state: FakeDiscordState) => Record<string, string>) = {},
  fakeOptions: FakeDiscordOptions = {},
): Promise<DiscordHarness> {
  const fake = await FakeDiscord.start(fakeOptions);
  const test = await createTestServices({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    CACHE_TTL_SECONDS: "0",
    DISCORD_EDIT_INTERVAL_MS: "3600000",
    ...(typeof env === "function" ? env(fake.state) : env),
  });
  const adapter = createDiscordAdapter(test.services);
  try {
    await adapter.start();
  } catch (error) {
    await test.close();
    await fake.close();
    throw error;
  }
  return {
    ...test,
    fake,
    adapter,
    async close() {
      await adapter.stop();
      await test.close();
      await fake.close();
    },
  };
}

/**
 * One harness for the enclosing suite (or file): started before its tests, closed after them, its
 * recorded Discord calls and fake OpenAI cleared before each test. `use` receives it once started.
 */
export function shareDiscordHarness(
  use: (harness: DiscordHarness) => void,
  env: Record<string, string> = {},
): void {
  let harness: DiscordHarness | undefined;
  beforeAll(async () => {
    harness = await startDiscordHarness(env);
    use(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(() => {
    harness?.fake.clearCalls();
    harness?.fakeOpenAI.reset();
  });
}
