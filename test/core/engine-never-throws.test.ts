import { describe, expect, it } from "vitest";
import { MemoryAnswerCache } from "../../src/cache/memory-answer-cache.ts";
import { type HistoryStore, MemoryHistoryStore } from "../../src/conversation/history-store.ts";
import { HistoryWindow } from "../../src/conversation/history-window.ts";
import { MemorySettingsStore, type SettingsStore } from "../../src/conversation/settings-store.ts";
import { TokenCounter } from "../../src/conversation/token-counter.ts";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import { Engine } from "../../src/engine/engine.ts";
import type { EngineEvent, EngineResult } from "../../src/engine/events.ts";
import type { LlmChunk, LlmClient } from "../../src/llm/types.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { MemoryUsageStore, type UsageStore } from "../../src/usage/usage-store.ts";

// ConversationEngine promises that `ask` never throws. Stores will soon be Redis, which can fail;
// these tests give the engine failing stores and a scripted model (no HTTP: that is test/integration).

const scriptedModel: LlmClient = {
  async *stream(): AsyncGenerator<LlmChunk> {
    yield { type: "delta", text: "Hello " };
    yield { type: "delta", text: "there." };
    yield {
      type: "done",
      usage: { promptTokens: 5, completionTokens: 2, reported: true },
      finishReason: "stop",
      interrupted: false,
    };
  },
};

const outage = () => Promise.reject(new Error("ECONNREFUSED 127.0.0.1:6379"));

function engine(stores: { history?: HistoryStore; settings?: SettingsStore; usage?: UsageStore } = {}) {
  const counter = new TokenCounter();
  return new Engine({
    llm: scriptedModel,
    history:
      stores.history ??
      new MemoryHistoryStore({ maxConversations: 10, ttlMs: 60_000, maxPairsPerConversation: 10 }),
    cache: new MemoryAnswerCache({ maxEntries: 10, ttlMs: 60_000 }),
    settings: stores.settings ?? new MemorySettingsStore(),
    usage: stores.usage ?? new MemoryUsageStore(),
    counter,
    window: new HistoryWindow(counter, {
      maxTokens: 8_000,
      maxMessages: 20,
      answerTokens: 1_000,
      contextTokens: 128_000,
    }),
    defaults: {
      systemPrompt: "sys",
      model: "m",
      temperature: undefined,
      topP: undefined,
      maxTokens: 1_000,
      cacheScope: "workspace",
      locale: "en",
    },
    logger: silentLogger,
  });
}

const turn: InboundTurn = {
  platform: "console",
  workspaceId: "w",
  channelId: "c",
  threadId: "t",
  userId: "u",
  userName: "Ada",
  text: "hi",
  isDirectMessage: false,
};

/** Collects the events; a throw is returned, not raised, so the test can say what it expected. */
async function run(events: AsyncIterable<EngineEvent>) {
  const deltas: string[] = [];
  const finals: EngineResult[] = [];
  try {
    for await (const event of events) {
      if (event.type === "delta") deltas.push(event.text);
      else finals.push(event.result);
    }
    return { deltas, finals, thrown: undefined };
  } catch (error) {
    return { deltas, finals, thrown: error };
  }
}

describe("Engine.ask never throws", () => {
  it("answers with a short failure when the history store cannot be read", async () => {
    const history = new MemoryHistoryStore({
      maxConversations: 10,
      ttlMs: 60_000,
      maxPairsPerConversation: 10,
    });
    history.read = outage;
    const { finals, thrown } = await run(engine({ history }).ask(turn));
    expect(thrown).toBeUndefined();
    expect(finals).toHaveLength(1);
    expect(finals[0]?.failure).toBeDefined();
    expect(finals[0]?.text).not.toContain("ECONNREFUSED");
  });

  it("answers with a short failure when the settings store cannot be read", async () => {
    const settings = new MemorySettingsStore();
    settings.get = outage;
    const { finals, thrown } = await run(engine({ settings }).ask(turn));
    expect(thrown).toBeUndefined();
    expect(finals).toHaveLength(1);
    expect(finals[0]?.failure).toBeDefined();
  });

  it("still delivers a streamed answer when recording usage fails afterwards", async () => {
    const usage = new MemoryUsageStore();
    usage.add = outage;
    const { deltas, finals, thrown } = await run(engine({ usage }).ask(turn));
    expect(thrown).toBeUndefined();
    expect(deltas.join("")).toBe("Hello there.");
    expect(finals).toHaveLength(1);
    expect(finals[0]?.text.startsWith("Hello there.")).toBe(true);
  });

  it("releases the thread after a failed turn, so the next message is answered", async () => {
    const history = new MemoryHistoryStore({
      maxConversations: 10,
      ttlMs: 60_000,
      maxPairsPerConversation: 10,
    });
    const realRead = history.read.bind(history);
    history.read = outage;
    const bot = engine({ history });
    await run(bot.ask(turn));
    history.read = realRead;
    const { finals } = await run(bot.ask(turn));
    expect(finals[0]?.text).toBe("Hello there.");
  });
});
