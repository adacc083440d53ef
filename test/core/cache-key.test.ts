import { describe, expect, it } from "vitest";
import { answerCacheKey, type CacheKeyParts, normalizeQuestion, scopeOf } from "../../src/cache/cache-key.ts";
import type { InboundTurn } from "../../src/conversation/turn.ts";

const turn = (overrides: Partial<InboundTurn> = {}): InboundTurn => ({
  platform: "discord",
  workspaceId: "G1",
  channelId: "C1",
  threadId: "main",
  userId: "U1",
  userName: "Ada",
  text: "What is a monad?",
  isDirectMessage: false,
  ...overrides,
});

const parts = (overrides: Partial<CacheKeyParts> = {}): CacheKeyParts => ({
  scope: "discord:G1",
  model: "gpt-4.1-mini",
  systemPrompt: "Be helpful.",
  temperature: 0.7,
  topP: undefined,
  maxTokens: 1024,
  question: "What is a monad?",
  ...overrides,
});

describe("question normalization", () => {
  it.each([
    ["  What is   a monad?  ", "what is a monad?"],
    ["WHAT\tIS\nA\r\nMONAD?", "what is a monad?"],
    ["ＷＨＡＴ ＩＳ Ａ ＭＯＮＡＤ？", "what is a monad?"], // full-width forms (NFKC)
    ["what\u00a0is\u3000a monad?", "what is a monad?"], // no-break and ideographic spaces
    ["ﬁle", "file"], // ligature (NFKC)
    ["Café", "café"],
    ["Cafe\u0301", "café"], // combining accent composes (NFKC)
    ["什么是  单子？", "什么是 单子?"], // full-width question mark becomes ASCII under NFKC
  ])("normalizes %j to %j", (input, expected) => {
    expect(normalizeQuestion(input)).toBe(expected);
  });
});

describe("answer cache keys", () => {
  it("gives variants of one question one key", () => {
    const key = answerCacheKey(parts());
    for (const question of [
      "what is a monad?",
      "  WHAT IS A MONAD?",
      "What\nis a\tmonad?",
      "Ｗｈａｔ is a monad?",
    ]) {
      expect(answerCacheKey(parts({ question }))).toBe(key);
    }
  });

  it.each([
    ["scope", { scope: "discord:G2" }],
    ["model", { model: "gpt-4.1" }],
    ["system prompt", { systemPrompt: "Be terse." }],
    ["temperature", { temperature: 0.2 }],
    ["top_p", { topP: 0.9 }],
    ["max tokens", { maxTokens: 256 }],
    ["question", { question: "What is a functor?" }],
  ] as const)("changes with the %s", (_label, change) => {
    expect(answerCacheKey(parts(change))).not.toBe(answerCacheKey(parts()));
  });

  it("tells an unset temperature (provider default) from 0", () => {
    expect(answerCacheKey(parts({ temperature: undefined }))).not.toBe(
      answerCacheKey(parts({ temperature: 0 })),
    );
  });

  it("cannot be confused by text moving between parts", () => {
    const a = answerCacheKey(parts({ model: "m", systemPrompt: 'x","y' }));
    const b = answerCacheKey(parts({ model: 'm","x', systemPrompt: "y" }));
    expect(a).not.toBe(b);
  });

  it("is an opaque fixed-size hash that does not reveal the question", () => {
    const key = answerCacheKey(parts({ question: "my password is hunter2" }));
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain("hunter2");
  });
});

describe("cache scope", () => {
  it("shares answers within one workspace by default, across its channels", () => {
    expect(scopeOf(turn(), "workspace")).toBe(
      scopeOf(turn({ channelId: "C2", threadId: "t9" }), "workspace"),
    );
  });

  it("never shares across workspaces or platforms in workspace or channel scope", () => {
    for (const scope of ["workspace", "channel"] as const) {
      expect(scopeOf(turn(), scope)).not.toBe(scopeOf(turn({ workspaceId: "G2" }), scope));
      expect(scopeOf(turn(), scope)).not.toBe(scopeOf(turn({ platform: "slack" }), scope));
    }
  });

  it("separates channels in channel scope", () => {
    expect(scopeOf(turn(), "channel")).not.toBe(scopeOf(turn({ channelId: "C2" }), "channel"));
    expect(scopeOf(turn(), "channel")).toBe(scopeOf(turn({ threadId: "t2", userId: "U2" }), "channel"));
  });

  it("shares everywhere in global scope", () => {
    expect(scopeOf(turn(), "global")).toBe(scopeOf(turn({ platform: "slack", workspaceId: "T9" }), "global"));
  });

  it("gives a direct message its user's own scope, whatever the configured scope", () => {
    const dm = turn({ isDirectMessage: true, workspaceId: "dm", channelId: "D1" });
    for (const scope of ["workspace", "channel", "global"] as const) {
      expect(scopeOf(dm, scope)).not.toBe(scopeOf(turn(), scope));
      expect(scopeOf(dm, scope)).not.toBe(scopeOf({ ...dm, userId: "U2" }, scope));
      expect(scopeOf(dm, scope)).not.toBe(scopeOf(turn({ workspaceId: "dm" }), scope));
    }
  });
});
