import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../../src/llm/memory-rate-limiter.ts";
import { OpenAiChatClient } from "../../src/llm/openai-client.ts";
import { RetryPolicy } from "../../src/llm/retry-policy.ts";
import type { LlmChunk } from "../../src/llm/types.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.ts";
import { JumpingClock } from "../support/services.ts";

// How the client applies RetryPolicy to 429s (the engine-level storms are in test/integration).
// The real SDK talks to the fake server; the JumpingClock records every wait without sleeping.

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

function client(clock: JumpingClock) {
  return new OpenAiChatClient({
    apiKey: "sk-test",
    baseURL: fake.url,
    timeoutMs: 2_000,
    policy: new RetryPolicy({ maxAttempts: 5, deadlineMs: 60_000, random: () => 0.999_999 }),
    limiter: new MemoryRateLimiter({ clock, maxConcurrency: 4 }),
    clock,
    logger: silentLogger,
  });
}

async function drain(chunks: AsyncIterable<LlmChunk>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) if (chunk.type === "delta") text += chunk.text;
  return text;
}

const request = { model: "m", messages: [{ role: "user" as const, content: "hi" }], maxTokens: 16 };

describe("OpenAiChatClient backoff on 429", () => {
  it("backs off exponentially between 429s that carry no hint", async () => {
    fake.setResponder(({ index }) =>
      index < 3
        ? {
            kind: "error",
            status: 429,
            body: { error: { message: "slow down", type: "rate_limit_exceeded" } },
          }
        : { kind: "text", text: "finally" },
    );
    const clock = new JumpingClock();
    expect(await drain(client(clock).stream(request))).toBe("finally");
    expect(fake.requests).toHaveLength(4);
    // Full jitter at its top (random ≈ 1): ceilings of 0.5 s, 1 s, 2 s for attempts 1, 2, 3.
    const expected = [499, 999, 1_999];
    expect(clock.sleeps).toHaveLength(3);
    clock.sleeps.forEach((slept, i) => {
      expect(slept, `wait ${i + 1}`).toBeGreaterThan((expected[i] as number) - 100);
      expect(slept, `wait ${i + 1}`).toBeLessThanOrEqual(expected[i] as number);
    });
  });

  it("waits at least the server's retry-after before the next attempt", async () => {
    fake.setResponder(({ index }) =>
      index === 0
        ? {
            kind: "error",
            status: 429,
            headers: { "retry-after": "3" },
            body: { error: { message: "slow down", type: "rate_limit_exceeded" } },
          }
        : { kind: "text", text: "ok" },
    );
    const clock = new JumpingClock();
    expect(await drain(client(clock).stream(request))).toBe("ok");
    expect(fake.requests).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThan(2_900);
  });
});
