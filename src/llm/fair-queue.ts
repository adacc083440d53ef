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
  /** Start tag inside its workspace (fair among the workspace's users). */
  readonly userTag: number;
  readonly seq: number;
}

interface UserLane<T> {
  entries: Entry<T>[];
  lastTag: number;
}

interface WorkspaceLane<T> {
  /** Start tags of the workspace's turns, one per waiting item, ascending. */
  slots: number[];
  lastTag: number;
  users: Map<string, UserLane<T>>;
  /** The workspace's own virtual time: the user tag last served. */
  virtualTime: number;
}

/**
 * Waiting requests in start-time fair queuing, by workspace, then by user inside the workspace: each
 * arrival gets a tag one past the later of its lane's last tag and the virtual time (the tag last
 * served), and the smallest tag goes first. One workspace's burst, or one user's twenty questions,
 * take their turn with everyone else instead of ahead of them, while a light user's question keeps
 * its place: later arrivals never overtake it, so its estimated wait holds.
 */
export class FairQueue<T> {
  private readonly workspaces = new Map<string, WorkspaceLane<T>>();
  private readonly entries = new Map<T, Entry<T>>();
  private virtualTime = 0;
  private seq = 0;

  get size(): number {
    return this.entries.size;
  }

  push(item: T, key: FairnessKey = {}): void {
    const name = key.workspaceId ?? "";
    let workspace = this.workspaces.get(name);
    if (!workspace) {
      workspace = { slots: [], lastTag: Number.NEGATIVE_INFINITY, users: new Map(), virtualTime: 0 };
      this.workspaces.set(name, workspace);
    }
    const slot = Math.max(this.virtualTime, workspace.lastTag) + 1;
    workspace.slots.push(slot);
    workspace.lastTag = slot;
    const user = key.userId ?? "";
    let lane = workspace.users.get(user);
    if (!lane) {
      lane = { entries: [], lastTag: Number.NEGATIVE_INFINITY };
      workspace.users.set(user, lane);
    }
    const userTag = Math.max(workspace.virtualTime, lane.lastTag) + 1;
    lane.lastTag = userTag;
    const entry: Entry<T> = { item, workspace: name, user, userTag, seq: this.seq++ };
    lane.entries.push(entry);
    this.entries.set(item, entry);
  }

  /** The item served next. */
  peek(): T | undefined {
    return this.head()?.item;
  }

  /** The item served next among the workspaces `include` accepts ("" = no workspace). */
  peekWhere(include: (workspaceId: string) => boolean): T | undefined {
    return this.head(include)?.item;
  }

  /** Workspaces with questions waiting ("" = no workspace). */
  waitingWorkspaces(): IterableIterator<string> {
    return this.workspaces.keys();
  }

  /** Removes and returns the item served next. */
  shift(): T | undefined {
    const entry = this.head();
    if (entry) this.take(entry, true);
    return entry?.item;
  }

  /** Takes out an item being served (normally the head); virtual time moves to its tags. */
  serve(item: T): boolean {
    const entry = this.entries.get(item);
    if (!entry) return false;
    this.take(entry, true);
    return true;
  }

  /** Takes out an item wherever it waits (its caller gave up); false when it is not queued. */
  remove(item: T): boolean {
    const entry = this.entries.get(item);
    if (!entry) return false;
    this.take(entry, false);
    return true;
  }

  has(item: T): boolean {
    return this.entries.has(item);
  }

  values(): IterableIterator<T> {
    return this.entries.keys();
  }

  /** How many queued items are served before a new one of `key` would be. */
  aheadOf(key: FairnessKey = {}): number {
    const name = key.workspaceId ?? "";
    const workspace = this.workspaces.get(name);
    const lane = workspace?.users.get(key.userId ?? "");
    const userTag = Math.max(workspace?.virtualTime ?? 0, lane?.lastTag ?? Number.NEGATIVE_INFINITY) + 1;
    // Its place among its workspace's items, then the workspace turn that place falls on.
    let inWorkspace = 0;
    for (const other of workspace?.users.values() ?? []) {
      for (const entry of other.entries) if (entry.userTag <= userTag) inWorkspace++;
    }
    const slots = [
      ...(workspace?.slots ?? []),
      Math.max(this.virtualTime, workspace?.lastTag ?? Number.NEGATIVE_INFINITY) + 1,
    ];
    const turn = slots[inWorkspace] ?? Number.POSITIVE_INFINITY;
    let ahead = inWorkspace;
    for (const [other, lane] of this.workspaces) {
      if (other === name) continue;
      for (const slot of lane.slots) if (slot <= turn) ahead++;
    }
    return ahead;
  }

  /** How many queued items are served before `item`, as things stand (later arrivals may add to it). */
  rankOf(item: T): number {
    const entry = this.entries.get(item);
    const workspace = entry && this.workspaces.get(entry.workspace);
    if (!entry || !workspace) return 0;
    let inWorkspace = 0;
    for (const lane of workspace.users.values()) {
      for (const other of lane.entries) {
        if (other.userTag < entry.userTag || (other.userTag === entry.userTag && other.seq < entry.seq))
          inWorkspace++;
      }
    }
    const turn = workspace.slots[inWorkspace] ?? Number.POSITIVE_INFINITY;
    let rank = inWorkspace;
    for (const [name, lane] of this.workspaces) {
      if (name === entry.workspace) continue;
      for (const slot of lane.slots) if (slot <= turn) rank++;
    }
    return rank;
  }

  private head(include: (workspaceId: string) => boolean = () => true): Entry<T> | undefined {
    let best: WorkspaceLane<T> | undefined;
    for (const [name, lane] of this.workspaces) {
      if (!include(name)) continue;
      const first = lane.slots[0];
      if (first !== undefined && (best === undefined || first < (best.slots[0] as number))) best = lane;
    }
    let entry: Entry<T> | undefined;
    for (const lane of best?.users.values() ?? []) {
      const first = lane.entries[0];
      if (
        first &&
        (!entry ||
          first.userTag < entry.userTag ||
          (first.userTag === entry.userTag && first.seq < entry.seq))
      )
        entry = first;
    }
    return entry;
  }

  private take(entry: Entry<T>, served: boolean): void {
    this.entries.delete(entry.item);
    const workspace = this.workspaces.get(entry.workspace);
    const lane = workspace?.users.get(entry.user);
    if (!workspace || !lane) return;
    const index = lane.entries.indexOf(entry);
    if (index >= 0) lane.entries.splice(index, 1);
    if (served) {
      // The workspace's earliest turn is used, and virtual time moves on to it.
      this.virtualTime = Math.max(this.virtualTime, workspace.slots.shift() ?? this.virtualTime);
      workspace.virtualTime = Math.max(workspace.virtualTime, entry.userTag);
    } else {
      // A withdrawn item gives back the workspace's latest turn.
      workspace.slots.pop();
      workspace.lastTag = workspace.slots[workspace.slots.length - 1] ?? Number.NEGATIVE_INFINITY;
      lane.lastTag = lane.entries[lane.entries.length - 1]?.userTag ?? Number.NEGATIVE_INFINITY;
    }
    // An idle lane starts afresh at the virtual time when it asks again.
    if (lane.entries.length === 0) workspace.users.delete(entry.user);
    if (workspace.slots.length === 0) this.workspaces.delete(entry.workspace);
  }
}
