import { en, type MessageKey } from "./locales/en.ts";
import { zhCN } from "./locales/zh-CN.ts";

export type { MessageKey };

export const catalogs: Record<string, Record<MessageKey, string>> = { en, "zh-cn": zhCN };

/** Maps a platform locale ("zh-CN", "zh", "en-US", "en-GB") to a catalog; English when unknown. */
export function resolveLocale(locale: string | undefined, fallback = "en"): string {
  const lower = locale?.toLowerCase();
  if (lower && lower in catalogs) return lower;
  if (lower?.startsWith("zh")) return "zh-cn";
  if (lower?.startsWith("en")) return "en";
  return fallback in catalogs ? fallback : "en";
}

export function translate(
  locale: string | undefined,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const catalog = catalogs[resolveLocale(locale)] ?? en;
  return catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
