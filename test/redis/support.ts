import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { parseConfig } from "../../src/config/config.ts";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { ConversationEngine } from "../../src/engine/types.ts";
import type { Clock } from "../../src/llm/clock.ts";
import type { Logger } from "../../src/observability/logger.ts";
import { createRedisStores, type RedisStores } from "../../src/state/redis/create-stores.ts";
import { TEST_OPENAI_KEY } from "../support/services.ts";

export function turn(text: string, overrides: Partial<InboundTurn> = {}): InboundTurn {
  return {
    platform: "slack",
    workspaceId: "T1",
    channelId: "C1",
    threadId: "1700000000.000100",
    userId: "U1",
    userName: "Ada",
    text,
    isDirectMessage: false,
    ...overrides,
  };
}

/** The final text of one answer; fails the test if the engine reported a failure. */
export async function answerText(engine: ConversationEngine, question: InboundTurn): Promise<string> {
  let text: string | undefined;
  for await (const event of engine.ask(question)) {
    if (event.type !== "final") continue;
    expect(event.result.failure).toBeUndefined();
    text = event.result.text;
  }
  if (text === undefined) throw new Error("no final event");
  return text;
}

/** Redis stores as one bot process would create them, with quick reconnection for tests. */
export function connectStores(
  url: string,
  clock: Clock,
  logger: Logger,
  keyPrefix: string,
): Promise<RedisStores> {
  const config = parseConfig({ OPENAI_API_KEY: TEST_OPENAI_KEY });
  return createRedisStores(url, config, clock, logger, {
    keyPrefix,
    connection: { reconnectMaxDelayMs: 100, commandTimeoutMs: 1000 },
  });
}

export const uniquePrefix = (label: string) => `${label}-${randomUUID()}:`;
