import type { HistoryStore } from "../conversation/history-store.ts";
import type { SettingsStore } from "../conversation/settings-store.ts";
import type { Governance } from "../governance/governance.ts";
import type { UsageStore } from "../usage/usage-store.ts";
import type { KeyedSerialQueue } from "./keyed-serial-queue.ts";
import type { EngineDefaults } from "./types.ts";

/** What the commands (reset, usage, help, config) read and change. */
export interface CommandContext {
  history: HistoryStore;
  usage: UsageStore;
  settings: SettingsStore;
  defaults: EngineDefaults;
  order: KeyedSerialQueue;
  governance: Governance | undefined;
  now: () => number;
}
