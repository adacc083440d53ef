import { AsyncLocalStorage } from "node:async_hooks";

/** Whose question a request serves; requests without one share a single lane. */
export interface FairnessKey {
  workspaceId?: string | undefined;
  userId?: string | undefined;
}

/**
 * The fairness key of the code running inside `fairnessScope.run(key, fn)`: a turn handler can set it
 * once and every upstream request made on its behalf is queued under it, without threading it through.
 */
export const fairnessScope = new AsyncLocalStorage<FairnessKey>();

interface Entry<T> {
  readonly item: T;
  readonly workspace: string;
  readonly user: string;
}

/** Round-robin over a map's keys: the first entry is served next, then moves to the back. */
type Lanes<V> = Map<string, V>;

function rotate<V>(lanes: Lanes<V>, key: string, keep: boolean): void {
  const value = lanes.get(key);
  lanes.delete(key);
  if (keep && value !== undefined) lanes.set(key, value);
}

/**
 * Waiting requests served round-robin by workspace, then round-robin by user inside a workspace,
 * first come first served for one user: one workspace's burst, or one user's twenty questions, take
 * their turn with everyone else instead of ahead of them.
 */
export class FairQueue<T> {
  private readonly workspaces: Lanes<Lanes<Entry<T>[]>> = new Map();
  private readonly entries = new Map<T, Entry<T>>();

  get size(): number {
    return this.entries.size;
  }

  push(item: T, key: FairnessKey = {}): void {
    const entry: Entry<T> = { item, workspace: key.workspaceId ?? "", user: key.userId ?? "" };
    let users = this.workspaces.get(entry.workspace);
    if (!users) {
      users = new Map();
      this.workspaces.set(entry.workspace, users);
    }
    let items = users.get(entry.user);
    if (!items) {
      items = [];
      users.set(entry.user, items);
    }
    items.push(entry);
    this.entries.set(item, entry);
  }

  /** The item served next. */
  peek(): T | undefined {
    return this.head()?.item;
  }

  /** Removes the item served next; its workspace and user go to the back of their rounds. */
  shift(): T | undefined {
    const entry = this.head();
    if (entry) this.delete(entry, true);
    return entry?.item;
  }

  /** Takes out an item that is being served (normally the head): its lanes go to the back of their rounds. */
  serve(item: T): boolean {
    const entry = this.entries.get(item);
    if (!entry) return false;
    this.delete(entry, true);
    return true;
  }

  /** Takes out an item wherever it waits (its caller gave up); false when it is not queued. */
  remove(item: T): boolean {
    const entry = this.entries.get(item);
    if (!entry) return false;
    this.delete(entry, false);
    return true;
  }

  has(item: T): boolean {
    return this.entries.has(item);
  }

  values(): IterableIterator<T> {
    return this.entries.keys();
  }

  /**
   * How many queued items are served before a new one of `key` would be: every other lane gets one
   * turn per round, so a lane with fewer items than this one's rounds counts only what it has.
   */
  aheadOf(key: FairnessKey = {}): number {
    const workspace = key.workspaceId ?? "";
    const users = this.workspaces.get(workspace);
    const mine = users?.get(key.userId ?? "")?.length ?? 0;
    let inWorkspace = mine;
    for (const [user, items] of users ?? []) {
      if (user !== (key.userId ?? "")) inWorkspace += Math.min(items.length, mine + 1);
    }
    let ahead = inWorkspace;
    for (const [name, lanes] of this.workspaces) {
      if (name === workspace) continue;
      let count = 0;
      for (const items of lanes.values()) count += items.length;
      ahead += Math.min(count, inWorkspace + 1);
    }
    return ahead;
  }

  private head(): Entry<T> | undefined {
    const users = this.workspaces.values().next().value;
    const items = users?.values().next().value;
    return items?.[0];
  }

  private delete(entry: Entry<T>, served: boolean): void {
    this.entries.delete(entry.item);
    const users = this.workspaces.get(entry.workspace);
    const items = users?.get(entry.user);
    if (!users || !items) return;
    const index = items.indexOf(entry);
    if (index >= 0) items.splice(index, 1);
    // Only a served item moves its lanes to the back; a withdrawn one leaves the order as it was.
    if (served) rotate(users, entry.user, items.length > 0);
    else if (items.length === 0) users.delete(entry.user);
    if (served) rotate(this.workspaces, entry.workspace, users.size > 0);
    else if (users.size === 0) this.workspaces.delete(entry.workspace);
  }
}
