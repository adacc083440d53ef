import { LRUCache } from "lru-cache";

/** Runtime overrides for a workspace or a channel (set by admins; see the governance commands). */
export interface ScopedSettings {
  systemPrompt?: string;
  model?: string;
  temperature?: number;
}

/** Scopes are `platform:workspace` or `platform:workspace:channel`. */
export interface SettingsStore {
  get(scope: string): Promise<ScopedSettings | undefined>;
  /** Merges `patch`; a key set to undefined is removed. */
  update(
    scope: string,
    patch: Partial<Record<keyof ScopedSettings, ScopedSettings[keyof ScopedSettings] | undefined>>,
  ): Promise<void>;
}

export class MemorySettingsStore implements SettingsStore {
  // Settings are few and precious; the cap only guards against unbounded growth from many channels.
  private readonly scopes = new LRUCache<string, ScopedSettings>({ max: 100_000 });

  async get(scope: string): Promise<ScopedSettings | undefined> {
    return this.scopes.get(scope);
  }

  async update(scope: string, patch: Partial<Record<keyof ScopedSettings, unknown>>): Promise<void> {
    const next: Record<string, unknown> = { ...this.scopes.get(scope) };
    for (const [name, value] of Object.entries(patch)) {
      if (value === undefined) delete next[name];
      else next[name] = value;
    }
    if (Object.keys(next).length === 0) this.scopes.delete(scope);
    else this.scopes.set(scope, next as ScopedSettings);
  }
}
