import { conversationKey, type InboundTurn, scopedKey, userKey, workspaceKey } from "../conversation/turn.ts";

/** UTC day, e.g. 2026-11-26: budgets and reports reset at midnight UTC. */
export function dayOf(timestampMs: number): string {
  return new Date(timestampMs).toISOString().slice(0, 10);
}

/** UTC month, e.g. 2026-11. */
export function monthOf(timestampMs: number): string {
  return new Date(timestampMs).toISOString().slice(0, 7);
}

/** Milliseconds until the next UTC midnight, when daily budgets reset. */
export function msUntilNextDay(timestampMs: number): number {
  const next = new Date(timestampMs);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime() - timestampMs;
}

type WorkspaceRef = Pick<InboundTurn, "platform" | "workspaceId">;
type UserRef = Pick<InboundTurn, "platform" | "workspaceId" | "userId">;

export const usageKeys = {
  conversation: (turn: InboundTurn) => `conv:${conversationKey(turn)}`,
  userTotal: (turn: UserRef) => `user:${userKey(turn)}`,
  userDay: (turn: UserRef, day: string) => `user:${userKey(turn)}:day:${day}`,
  workspaceDay: (turn: WorkspaceRef, day: string) => `ws:${workspaceKey(turn)}:day:${day}`,
  channelDay: (turn: Pick<InboundTurn, "platform" | "workspaceId" | "channelId">, day: string) =>
    `chan:${scopedKey(turn.platform, turn.workspaceId, turn.channelId)}:day:${day}`,
  modelDay: (model: string, day: string) => `model:${scopedKey(model)}:day:${day}`,
  userMonth: (turn: UserRef, month: string) => `user:${userKey(turn)}:month:${month}`,
  workspaceMonth: (turn: WorkspaceRef, month: string) => `ws:${workspaceKey(turn)}:month:${month}`,
  topUsersDay: (turn: WorkspaceRef, day: string) => `board:users:${workspaceKey(turn)}:${day}`,
  topChannelsDay: (turn: WorkspaceRef, day: string) => `board:channels:${workspaceKey(turn)}:${day}`,
  /** Upstream usage of one API key (by fingerprint) in a day, over every workspace. */
  apiKeyDay: (fingerprint: string, day: string) => `apikey:${fingerprint}:day:${day}`,
  /** Tokens per API key fingerprint in a day: which keys served requests, for leak investigations. */
  apiKeysDay: (day: string) => `board:apikeys:${day}`,
};

/** Every counter one answer increments; `keyFingerprint` when an upstream call served it. */
export function keysForAnswer(
  turn: InboundTurn,
  model: string,
  timestampMs: number,
  keyFingerprint?: string,
): string[] {
  const day = dayOf(timestampMs);
  const month = monthOf(timestampMs);
  return [
    ...(keyFingerprint ? [usageKeys.apiKeyDay(keyFingerprint, day)] : []),
    usageKeys.userMonth(turn, month),
    usageKeys.workspaceMonth(turn, month),
    usageKeys.conversation(turn),
    usageKeys.userTotal(turn),
    usageKeys.userDay(turn, day),
    usageKeys.workspaceDay(turn, day),
    usageKeys.channelDay(turn, day),
    usageKeys.modelDay(model, day),
  ];
}
