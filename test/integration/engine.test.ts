import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { EngineEvent, EngineResult } from "../../src/engine/events.ts";
import { translate } from "../../src/i18n/translate.ts";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { createTestServices, TEST_OPENAI_KEY, type TestServices } from "../support/services.ts";

function turn(text: string, overrides: Partial<InboundTurn> = {}): InboundTurn {
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

async function collect(
  events: AsyncIterable<EngineEvent>,
): Promise<{ deltas: string[]; result: EngineResult }> {
  const deltas: string[] = [];
  let result: EngineResult | undefined;
  for await (const event of events) {
    if (event.type === "delta") deltas.push(event.text);
    else {
      expect(result).toBeUndefined(); // exactly one final
      result = event.result;
    }
  }
  if (!result) throw new Error("no final result");
  return { deltas, result };
}

let t: TestServices;
const ask = (text: string, overrides: Partial<InboundTurn> = {}) =>
  collect(t.services.engine.ask(turn(text, overrides)));

afterEach(async () => {
  await t.close();
});

describe("conversation", () => {
  beforeEach(async () => {
    t = await createTestServices();
  });

  it("streams deltas whose concatenation is the final answer", async () => {
    const { deltas, result } = await ask("hello");
    expect(result.text).toBe("Echo: hello");
    expect(deltas.join("")).toBe("Echo: hello");
    expect(deltas.length).toBeGreaterThan(1);
    expect(result.usage?.reported).toBe(true);
  });

  it("carries history into follow-ups, system prompt first, without the name field", async () => {
    await ask("first question");
    await ask("second question");
    const second = t.fakeOpenAI.requests[1]?.body;
    expect(second?.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(second?.messages.map((m) => m.content).slice(1)).toEqual([
      "first question",
      "Echo: first question",
      "second question",
    ]);
    expect(second?.messages.some((m) => "name" in m)).toBe(false);
    expect(second?.stream_options?.include_usage).toBe(true);
    expect(t.fakeOpenAI.requests[0]?.headers.authorization).toBe(`Bearer ${TEST_OPENAI_KEY}`);
  });

  it("keeps threads and workspaces apart", async () => {
    await ask("in thread one");
    await ask("in thread two", { threadId: "t2" });
    await ask("other workspace", { workspaceId: "w2" });
    for (const request of t.fakeOpenAI.requests.slice(1)) expect(request.body.messages).toHaveLength(2);
  });

  it("reset clears the conversation", async () => {
    await ask("remember me");
    const reset = await t.services.engine.command("reset", turn(""));
    expect(reset.text).toBe(translate("en", "reset.done"));
    await ask("who am I?");
    expect(t.fakeOpenAI.requests[1]?.body.messages).toHaveLength(2);
  });

  it("usage reports the tokens the server reported", async () => {
    await ask("count me");
    const reported = t.fakeOpenAI.requests.length;
    expect(reported).toBe(1);
    const usage = await t.services.engine.command("usage", turn(""));
    const { result } = await ask("again", { threadId: "other" });
    const total = (result.usage?.promptTokens ?? 0) + (result.usage?.completionTokens ?? 0);
    expect(total).toBeGreaterThan(0);
    expect(usage.text).toMatch(/\d+ tokens/);
  });

  it("answers messages of one thread in order, never interleaving history", async () => {
    t.fakeOpenAI.setResponder((request) => ({
      kind: "text",
      text: `A(${lastUserMessage(request)})`,
      chunks: 4,
      chunkDelayMs: request.index === 0 ? 20 : 0,
    }));
    const [first, second] = await Promise.all([ask("one"), ask("two")]);
    expect(first.result.text).toBe("A(one)");
    expect(second.result.text).toBe("A(two)");
    const contents = t.fakeOpenAI.requests[1]?.body.messages.map((m) => m.content);
    expect(contents?.slice(1)).toEqual(["one", "A(one)", "two"]);
  });

  it("answers an empty question with a hint and no upstream call", async () => {
    const { result } = await ask("   ");
    expect(result.failure?.code).toBe("empty_question");
    expect(t.fakeOpenAI.requests).toHaveLength(0);
  });

  it("answers in Chinese for a zh-CN user", async () => {
    t.fakeOpenAI.setResponder(() => ({ kind: "error", status: 401 }));
    const { result } = await ask("你好", { locale: "zh-CN" });
    expect(result.text).toBe(translate("zh-CN", "error.misconfigured"));
  });
});

describe("answer cache", () => {
  beforeEach(async () => {
    t = await createTestServices();
  });

  it("makes one upstream call for 10 concurrent identical first questions", async () => {
    t.fakeOpenAI.setResponder(() => ({ kind: "text", text: "Paris.", chunks: 3, chunkDelayMs: 10 }));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ask("What is the capital of France?", { threadId: `t${i}` })),
    );
    expect(t.fakeOpenAI.requests).toHaveLength(1);
    expect(results.every((r) => r.result.text === "Paris.")).toBe(true);
    expect(results.filter((r) => r.result.cached)).toHaveLength(9);
    expect(t.services.stores.cache?.stats()).toEqual({ hits: 0, misses: 1, coalesced: 9 });
  });

  it("serves a repeated question from the cache, normalized, within one workspace only", async () => {
    await ask("What is  TCP?");
    const hit = await ask("what is tcp?", { threadId: "t2" });
    expect(hit.result.cached).toBe(true);
    expect(hit.deltas.join("")).toBe(hit.result.text);
    await ask("What is TCP?", { workspaceId: "w2" });
    expect(t.fakeOpenAI.requests).toHaveLength(2);
  });

  it("does not use the cache for follow-ups", async () => {
    await ask("What is TCP?");
    await ask("What is TCP?");
    expect(t.fakeOpenAI.requests).toHaveLength(2);
  });

  it("never caches failures", async () => {
    t.fakeOpenAI.setResponder(() => ({
      kind: "error",
      status: 400,
      body: { error: { message: "bad", type: "x" } },
    }));
    await ask("q?");
    t.fakeOpenAI.setResponder(() => ({ kind: "text", text: "ok" }));
    const { result } = await ask("q?", { threadId: "t9" });
    expect(result.text).toBe("ok");
    expect(t.fakeOpenAI.requests).toHaveLength(2);
  });
});

describe("failures and retries", () => {
  it("survives a 429 storm: every question answered, calls counted, waits honoured", async () => {
    t = await createTestServices({ LLM_MAX_ATTEMPTS: "5", CACHE_TTL_SECONDS: "0" });
    t.fakeOpenAI.setResponder((request) =>
      request.index < 3
        ? {
            kind: "error",
            status: 429,
            headers: { "retry-after": "2" },
            body: {
              error: { message: "slow down", type: "rate_limit_exceeded", code: "rate_limit_exceeded" },
            },
          }
        : { kind: "text", text: `ok ${lastUserMessage(request)}` },
    );
    const results = await Promise.all(["a", "b", "c"].map((q, i) => ask(q, { threadId: `t${i}` })));
    expect(results.map((r) => r.result.text).sort()).toEqual(["ok a", "ok b", "ok c"]);
    expect(t.fakeOpenAI.requests).toHaveLength(6);
    // The cool-down made everyone wait at least the server's 2 s before trying again.
    expect(Math.max(...t.clock.sleeps)).toBeGreaterThanOrEqual(2000);
    expect(t.services.stores.limiter.stats().coolDownMs).toBeGreaterThanOrEqual(2000);
  });

  it("retries a 429 without hints with backoff", async () => {
    t = await createTestServices();
    t.fakeOpenAI.setResponder((request) =>
      request.index === 0
        ? { kind: "error", status: 429, body: { error: { message: "rl", type: "rate_limit_exceeded" } } }
        : { kind: "text", text: "fine" },
    );
    const { result } = await ask("x");
    expect(result.text).toBe("fine");
    expect(t.fakeOpenAI.requests).toHaveLength(2);
  });

  it("does not retry an exhausted quota and tells the operator", async () => {
    t = await createTestServices();
    t.fakeOpenAI.setResponder(() => ({
      kind: "error",
      status: 429,
      headers: { "retry-after": "1" },
      body: {
        error: {
          message: "You exceeded your current quota",
          type: "insufficient_quota",
          code: "insufficient_quota",
        },
      },
    }));
    const { result } = await ask("x");
    expect(t.fakeOpenAI.requests).toHaveLength(1);
    expect(result.failure?.code).toBe("quota_exhausted");
    expect(result.text).toBe(translate("en", "error.quota_exhausted"));
    expect(t.logs.text()).not.toContain(TEST_OPENAI_KEY);
  });

  it("does not retry a 401 and keeps the key out of the logs", async () => {
    t = await createTestServices();
    t.fakeOpenAI.setResponder(() => ({
      kind: "error",
      status: 401,
      body: { error: { message: "bad key", type: "invalid_request_error" } },
    }));
    const { result } = await ask("x");
    expect(t.fakeOpenAI.requests).toHaveLength(1);
    expect(result.failure?.code).toBe("misconfigured");
    expect(t.logs.text()).not.toContain(TEST_OPENAI_KEY);
  });

  it("retries 500 and 503 until an answer, within the attempt budget", async () => {
    t = await createTestServices({ LLM_MAX_ATTEMPTS: "4" });
    t.fakeOpenAI.setResponder((request) =>
      request.index < 3
        ? { kind: "error", status: request.index === 0 ? 500 : 503 }
        : { kind: "text", text: "back" },
    );
    const { result } = await ask("x");
    expect(result.text).toBe("back");
    expect(t.fakeOpenAI.requests).toHaveLength(4);
  });

  it("gives up after the attempt budget with a short message and records no history", async () => {
    t = await createTestServices({ LLM_MAX_ATTEMPTS: "3" });
    t.fakeOpenAI.setResponder(() => ({ kind: "error", status: 503 }));
    const { result } = await ask("x");
    expect(t.fakeOpenAI.requests).toHaveLength(3);
    expect(result.failure?.code).toBe("unavailable");
    t.fakeOpenAI.setResponder(() => ({ kind: "text", text: "ok" }));
    await ask("y");
    expect(t.fakeOpenAI.requests[3]?.body.messages).toHaveLength(2); // the failed turn left nothing behind
  });

  it("ends a stream cut mid-way with what arrived and a note: one reply, no retry", async () => {
    t = await createTestServices();
    t.fakeOpenAI.setResponder(() => ({ kind: "cut-mid-stream", before: "The first half" }));
    const { deltas, result } = await ask("x");
    expect(t.fakeOpenAI.requests).toHaveLength(1);
    expect(deltas.join("")).toBe("The first half");
    expect(result.text).toBe(`The first half\n\n${translate("en", "note.interrupted")}`);
    expect(result.finishReason).toBe("interrupted");
  });

  it("times out a stall before headers and retries", async () => {
    t = await createTestServices({ LLM_TIMEOUT_MS: "150" });
    t.fakeOpenAI.setResponder((request) =>
      request.index === 0 ? { kind: "stall-before-headers" } : { kind: "text", text: "late but fine" },
    );
    const { result } = await ask("x");
    expect(result.text).toBe("late but fine");
    expect(t.fakeOpenAI.requests).toHaveLength(2);
  });

  it("ends a stream that stalls after the first delta, without a second copy", async () => {
    t = await createTestServices({ LLM_TIMEOUT_MS: "150" });
    t.fakeOpenAI.setResponder(() => ({ kind: "stall-mid-stream", before: "Partial answer" }));
    const { result } = await ask("x");
    expect(t.fakeOpenAI.requests).toHaveLength(1);
    expect(result.text.startsWith("Partial answer")).toBe(true);
    expect(result.finishReason).toBe("interrupted");
  });

  it("retries a malformed body and tolerates missing usage and finish_reason", async () => {
    t = await createTestServices();
    t.fakeOpenAI.setResponder((request) =>
      request.index === 0
        ? { kind: "malformed", contentType: "text/event-stream", body: "data: {broken\n\n" }
        : { kind: "text", text: "no usage here", usage: null, finishReason: null },
    );
    const { result } = await ask("x");
    expect(result.text).toBe("no usage here");
    expect(result.usage?.reported).toBe(false);
    expect(result.usage?.completionTokens).toBeGreaterThan(0);
    expect(t.fakeOpenAI.requests).toHaveLength(2);
  });

  it("cuts a question too long for the window with a visible marker", async () => {
    t = await createTestServices({ HISTORY_MAX_TOKENS: "600", MAX_TOKENS: "200" });
    const { result } = await ask(`${"lorem ipsum dolor ".repeat(2000)} <|endoftext|>`);
    expect(result.failure).toBeUndefined();
    const sent = t.fakeOpenAI.requests[0]?.body.messages.at(-1)?.content ?? "";
    expect(sent.endsWith(translate("en", "note.truncated_question"))).toBe(true);
    expect(sent.length).toBeLessThan(3000);
  });
});
