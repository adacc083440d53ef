import { expect } from "vitest";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { EngineEvent, EngineResult } from "../../src/engine/events.ts";
import type { TestServices } from "../support/services.ts";

export function turn(text: string, overrides: Partial<InboundTurn> = {}): InboundTurn {
  return {
    platform: "console",
    workspaceId: "w1",
    channelId: "c1",
    threadId: "t1",
    userId: "u1",
    userName: "Ada",
    text,
    isDirectMessage: false,
    ...overrides,
  };
}

/** Reads a whole answer, checking the engine's promise of exactly one final result. */
export async function collect(
  events: AsyncIterable<EngineEvent>,
): Promise<{ deltas: string[]; result: EngineResult }> {
  const deltas: string[] = [];
  let result: EngineResult | undefined;
  for await (const event of events) {
    if (event.type === "delta") deltas.push(event.text);
    else {
      expect(result).toBeUndefined();
      result = event.result;
    }
  }
  if (!result) throw new Error("no final result");
  return { deltas, result };
}

/** `ask(text)` bound to the services a test file is using. */
export function asker(services: () => TestServices) {
  return (text: string, overrides: Partial<InboundTurn> = {}) =>
    collect(services().services.engine.ask(turn(text, overrides)));
}
