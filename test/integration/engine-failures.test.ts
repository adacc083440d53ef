import { afterEach, describe, expect, it } from "vitest";
import { translate } from "../../src/i18n/translate.ts";
import { lastUserMessage } from "../fakes/openai-server.ts";
import { createTestServices, TEST_OPENAI_KEY, type TestServices } from "../support/services.ts";
import { asker } from "./engine-support.ts";

let t: TestServices;
const ask = asker(() => t);

afterEach(async () => {
  await t.close();
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
    // One shared cool-down of the server's 2 s paused everyone: three 429s a few ms apart extend it by
    // those ms, not by 2 s each. The wait asked for is what remains of it since the 429 arrived.
    const coolDown = t.services.stores.limiter.stats().coolDownMs;
    expect(coolDown).toBeGreaterThan(1990);
    expect(coolDown).toBeLessThan(2500);
    expect(Math.max(...t.clock.sleeps)).toBeGreaterThan(1900);
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
