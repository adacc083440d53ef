import { LRUCache } from "lru-cache";
import type { ScopedSettings, SettingsStore } from "../../conversation/settings-store.ts";
import type { RedisConnection } from "./connection.ts";
import { RedisUnavailableError } from "./errors.ts";
import type { RedisKeys } from "./keys.ts";

type SettingsPatch = Parameters<SettingsStore["update"]>[1];

/**
 * One hash per scope, one JSON-encoded field per setting, so an update touches only the fields it
 * names and replicas never overwrite each other's changes. Reads fall back to the last value this
 * process saw while Redis is away; an update then fails loudly, because an admin's change that only
 * one replica knows about (and that a restart forgets) is worse than a clear error.
 */
export class RedisSettingsStore implements SettingsStore {
  private readonly lastSeen = new LRUCache<string, { value: ScopedSettings | undefined }>({ max: 10_000 });

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
  ) {}

  async get(scope: string): Promise<ScopedSettings | undefined> {
    try {
      const fields = await this.redis.run("settings read", (client) =>
        client.hGetAll(this.keys.settings(scope)),
      );
      const value = decode(fields);
      this.lastSeen.set(scope, { value });
      return value;
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      return this.lastSeen.get(scope)?.value;
    }
  }

  async update(scope: string, patch: SettingsPatch): Promise<void> {
    const key = this.keys.settings(scope);
    const removed: string[] = [];
    const set: Record<string, string> = {};
    for (const [name, value] of Object.entries(patch)) {
      if (value === undefined) removed.push(name);
      else set[name] = JSON.stringify(value);
    }
    await this.redis.run("settings update", async (client) => {
      const batch = client.multi();
      if (removed.length > 0) batch.hDel(key, removed);
      if (Object.keys(set).length > 0) batch.hSet(key, set);
      await batch.exec();
    });
    this.lastSeen.delete(scope);
  }
}

function decode(fields: Record<string, string>): ScopedSettings | undefined {
  const entries = Object.entries(fields).flatMap(([name, raw]) => {
    try {
      return [[name, JSON.parse(raw) as unknown] as const];
    } catch {
      return [];
    }
  });
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as ScopedSettings);
}
