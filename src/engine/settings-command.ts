import { channelScope, workspaceScope } from "../conversation/settings-resolution.ts";
import type { SettingsStore } from "../conversation/settings-store.ts";
import type { InboundTurn } from "../conversation/turn.ts";
import { translate } from "../i18n/translate.ts";

export type SettingName = "system-prompt" | "model" | "temperature";

/** `/config …` as the adapters parse it; the admin check happens before this runs. */
export interface SettingsRequest {
  scope: "channel" | "workspace";
  setting: SettingName;
  action: "show" | "set" | "reset";
  value?: string;
}

const storeField = { "system-prompt": "systemPrompt", model: "model", temperature: "temperature" } as const;

export async function applySettingsRequest(
  request: SettingsRequest,
  turn: InboundTurn,
  locale: string,
  store: SettingsStore,
): Promise<string> {
  const scopeKey = request.scope === "channel" ? channelScope(turn) : workspaceScope(turn);
  const scopeName = translate(
    locale,
    request.scope === "channel" ? "config.scope_channel" : "config.scope_workspace",
  );
  const field = storeField[request.setting];
  if (request.action === "show") {
    const current = (await store.get(scopeKey)) ?? {};
    const unset = translate(locale, "config.unset");
    return translate(locale, "config.show", {
      scope: scopeName,
      prompt: current.systemPrompt ? `“${current.systemPrompt}”` : unset,
      model: current.model ?? unset,
      temperature: current.temperature ?? unset,
    });
  }
  if (request.action === "reset") {
    await store.update(scopeKey, { [field]: undefined });
    return translate(locale, "config.cleared", { setting: request.setting, scope: scopeName });
  }
  const raw = request.value?.trim() ?? "";
  let value: string | number = raw;
  if (request.setting === "temperature") {
    value = Number(raw);
    if (!raw || !Number.isFinite(value) || value < 0 || value > 2) {
      return translate(locale, "config.invalid", { setting: request.setting });
    }
  } else if (!raw || raw.length > 8000) {
    return translate(locale, "config.invalid", { setting: request.setting });
  }
  await store.update(scopeKey, { [field]: value });
  return translate(locale, "config.updated", { setting: request.setting, scope: scopeName });
}
