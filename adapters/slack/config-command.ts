import type { SettingName, SettingsRequest } from "../../src/index.ts";

type Scope = SettingsRequest["scope"];
type Action = SettingsRequest["action"];

/** What `/config` accepts for each setting; "prompt" is a shorthand people reach for. */
const settingNames = new Map<string, SettingName>([
  ["system-prompt", "system-prompt"],
  ["prompt", "system-prompt"],
  ["model", "model"],
  ["temperature", "temperature"],
]);

const actions = new Set<string>(["show", "set", "reset"] satisfies Action[]);

const leadingFlag = /^--(workspace|channel)(?:\s+|$)/i;
const trailingFlag = /(?:^|\s+)--(workspace|channel)$/i;

interface Cursor {
  rest: string;
  scope: Scope;
}

/**
 * `/config <system-prompt|model|temperature> <show|set|reset> [value] [--workspace]`; the scope is
 * the channel unless `--workspace` comes before the value or as the last word (anywhere else it is
 * part of the value). `/config show [--workspace]` shows every setting of the scope. Undefined when
 * the text does not parse: the caller shows the usage instead.
 */
export function parseConfigText(text: string): SettingsRequest | undefined {
  const cursor: Cursor = { rest: text.trim(), scope: "channel" };
  const first = nextWord(cursor);
  if (first === "show") {
    return onlyFlagsLeft(cursor)
      ? { scope: cursor.scope, setting: "system-prompt", action: "show" }
      : undefined;
  }
  const setting = first === undefined ? undefined : settingNames.get(first);
  const action = nextWord(cursor);
  if (!setting || action === undefined || !actions.has(action)) return undefined;
  if (action !== "set") {
    return onlyFlagsLeft(cursor) ? { scope: cursor.scope, setting, action: action as Action } : undefined;
  }
  skipFlags(cursor);
  const trailing = trailingFlag.exec(cursor.rest);
  if (trailing) {
    cursor.scope = scopeOf(trailing[1]);
    cursor.rest = cursor.rest.slice(0, trailing.index);
  }
  // An empty value is passed on: the engine answers that it is not valid for the setting.
  return { scope: cursor.scope, setting, action: "set", value: cursor.rest.trim() };
}

/** The next word that is not a scope flag, lower-cased; flags on the way set the scope. */
function nextWord(cursor: Cursor): string | undefined {
  skipFlags(cursor);
  const match = /^(\S+)\s*/.exec(cursor.rest);
  if (!match) return undefined;
  cursor.rest = cursor.rest.slice(match[0].length);
  return (match[1] as string).toLowerCase();
}

function skipFlags(cursor: Cursor): void {
  for (let flag = leadingFlag.exec(cursor.rest); flag; flag = leadingFlag.exec(cursor.rest)) {
    cursor.scope = scopeOf(flag[1]);
    cursor.rest = cursor.rest.slice(flag[0].length);
  }
}

/** show and reset take no value: only scope flags may follow. */
function onlyFlagsLeft(cursor: Cursor): boolean {
  skipFlags(cursor);
  return cursor.rest === "";
}

function scopeOf(flag: string | undefined): Scope {
  return flag?.toLowerCase() === "workspace" ? "workspace" : "channel";
}
