import type { ScopedSettings, SettingsStore } from "./settings-store.ts";
import { type InboundTurn, scopedKey, workspaceKey } from "./turn.ts";

export interface GlobalSettings {
  systemPrompt: string;
  model: string;
  temperature: number | undefined;
}

export interface EffectiveSettings extends GlobalSettings {}

/** Where settings for the whole workspace are kept. */
export function workspaceScope(turn: Pick<InboundTurn, "platform" | "workspaceId">): string {
  return workspaceKey(turn);
}

/** Where settings for one channel are kept; they override the workspace's. */
export function channelScope(turn: Pick<InboundTurn, "platform" | "workspaceId" | "channelId">): string {
  return scopedKey(turn.platform, turn.workspaceId, turn.channelId);
}

/**
 * Layers settings: the global prompt, then the workspace's, then the channel's (each more specific
 * one appended, so an operator's ground rules always stay); model and temperature are overridden.
 */
export async function resolveSettings(
  store: SettingsStore,
  global: GlobalSettings,
  turn: InboundTurn,
): Promise<EffectiveSettings> {
  const [workspace, channel] = await Promise.all([
    store.get(workspaceScope(turn)),
    store.get(channelScope(turn)),
  ]);
  const layers: (ScopedSettings | undefined)[] = [workspace, channel];
  const prompts = [global.systemPrompt, ...layers.map((layer) => layer?.systemPrompt)].filter(
    (prompt): prompt is string => Boolean(prompt),
  );
  return {
    systemPrompt: prompts.join("\n\n"),
    model: channel?.model ?? workspace?.model ?? global.model,
    temperature: channel?.temperature ?? workspace?.temperature ?? global.temperature,
  };
}
