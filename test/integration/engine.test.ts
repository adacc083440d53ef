import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { translate } from "../../src/i18n/translate.ts";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { createTestServices, TEST_OPENAI_KEY, type TestServices } from "../support/services.ts";
import { asker, turn } from "./engine-support.ts";

let t: TestServices;
const ask = asker(() => t);

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
