import { createHash } from "node:crypto";
import { type InboundTurn, scopedKey, workspaceKey } from "../conversation/turn.ts";

export type CacheScope = "workspace" | "channel" | "global";

/** NFKC, trimmed, whitespace collapsed, case-folded: "What is  X?" and "what is x?" are one question. */
export function normalizeQuestion(question: string): string {
  return question.normalize("NFKC").trim().replace(/\s+/gu, " ").toLowerCase();
}

/**
 * Who may share an answer. A DM is its own tenant (one user), whatever the configured scope, so a
 * user's private question is never answered from or into anyone else's cache line.
 */
export function scopeOf(turn: InboundTurn, scope: CacheScope): string {
  if (turn.isDirectMessage) return scopedKey(turn.platform, "dm", turn.userId);
  if (scope === "global") return "global";
  if (scope === "channel") return scopedKey(turn.platform, turn.workspaceId, turn.channelId);
  return workspaceKey(turn);
}

export interface CacheKeyParts {
  scope: string;
  model: string;
  systemPrompt: string;
  temperature: number | undefined;
  topP: number | undefined;
  maxTokens: number;
  question: string;
}

export function answerCacheKey(parts: CacheKeyParts): string {
  const material = JSON.stringify([
    parts.scope,
    parts.model,
    parts.systemPrompt,
    parts.temperature ?? null,
    parts.topP ?? null,
    parts.maxTokens,
    normalizeQuestion(parts.question),
  ]);
  return createHash("sha256").update(material).digest("base64url");
}
