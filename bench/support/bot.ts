import { parseConfig } from "../../src/config/config.ts";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { EngineResult } from "../../src/engine/events.ts";
import type { ConversationEngine } from "../../src/engine/types.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { type BotServices, createServices, type ServiceOverrides } from "../../src/services.ts";

/** A key the fakes accept; never a real one. */
export const BENCH_API_KEY = "sk-bench-not-a-real-key";

/** The bot exactly as `npm start` wires it (real engine, stores and client), pointed at a fake. */
export function createBenchBot(
  baseUrl: string,
  env: Record<string, string> = {},
  overrides: ServiceOverrides = {},
): BotServices {
  const config = parseConfig({
    OPENAI_API_KEY: BENCH_API_KEY,
    OPENAI_BASE_URL: baseUrl,
    OPENAI_MODEL: "bench-model",
    LOG_LEVEL: "silent",
    ...env,
  });
  return createServices(config, silentLogger, overrides);
}

export function benchTurn(parts: Partial<InboundTurn> & Pick<InboundTurn, "threadId" | "text">): InboundTurn {
  return {
    platform: "slack",
    workspaceId: "T-bench",
    channelId: "C-bench",
    userId: "U-bench",
    userName: "bench",
    isDirectMessage: false,
    ...parts,
  };
}

export interface AskOutcome {
  result: EngineResult;
  /** performance.now() at the call, the first delta (if any) and the final event. */
  startedAt: number;
  firstDeltaAt: number | undefined;
  endedAt: number;
}

/** Drains one `ask`, timing it; `ask` never throws, so neither does this. */
export async function askTimed(engine: ConversationEngine, turn: InboundTurn): Promise<AskOutcome> {
  const startedAt = performance.now();
  let firstDeltaAt: number | undefined;
  let result: EngineResult | undefined;
  for await (const event of engine.ask(turn)) {
    if (event.type === "delta") firstDeltaAt ??= performance.now();
    else result = event.result;
  }
  if (!result) throw new Error("engine ended without a final event");
  return { result, startedAt, firstDeltaAt, endedAt: performance.now() };
}
