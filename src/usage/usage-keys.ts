import { conversationKey, type InboundTurn } from "../conversation/turn.ts";

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

export const usageKeys = {
  conversation: (turn: InboundTurn) => `conv:${conversationKey(turn)}`,
  userTotal: (turn: Pick<InboundTurn, "platform" | "workspaceId" | "userId">) =>
    `user:${turn.platform}:${turn.workspaceId}:${turn.userId}`,
  userDay: (turn: Pick<InboundTurn, "platform" | "workspaceId" | "userId">, day: string) =>
    `user:${turn.platform}:${turn.workspaceId}:${turn.userId}:day:${day}`,
  workspaceDay: (turn: Pick<InboundTurn, "platform" | "workspaceId">, day: string) =>
    `ws:${turn.platform}:${turn.workspaceId}:day:${day}`,
  channelDay: (turn: Pick<InboundTurn, "platform" | "workspaceId" | "channelId">, day: string) =>
    `chan:${turn.platform}:${turn.workspaceId}:${turn.channelId}:day:${day}`,
  modelDay: (model: string, day: string) => `model:${model}:day:${day}`,
  userMonth: (turn: Pick<InboundTurn, "platform" | "workspaceId" | "userId">, month: string) =>
    `user:${turn.platform}:${turn.workspaceId}:${turn.userId}:month:${month}`,
  workspaceMonth: (turn: WorkspaceRef, month: string) =>
    `ws:${turn.platform}:${turn.workspaceId}:month:${month}`,
  topUsersDay: (turn: WorkspaceRef, day: string) => `board:users:${turn.platform}:${turn.workspaceId}:${day}`,
  topChannelsDay: (turn: WorkspaceRef, day: string) =>
    `board:channels:${turn.platform}:${turn.workspaceId}:${day}`,
};

/** Every counter one answer increments. */
export function keysForAnswer(turn: InboundTurn, model: string, timestampMs: number): string[] {
  const day = dayOf(timestampMs);
  const month = monthOf(timestampMs);
  return [
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
