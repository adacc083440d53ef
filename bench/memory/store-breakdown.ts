import { clearMergeCache } from "gpt-tokenizer";
import type { StateStores } from "../../src/services.ts";
import { settledHeapBytes } from "./heap.ts";

interface Clearable {
  clear(): void;
}

/** gpt-tokenizer's merge cache (up to 100,000 chunks, module-wide), emptied through its public API. */
const tokenizerCache: Clearable = { clear: () => clearMergeCache() };

/**
 * The in-memory stores' private containers, looked up by name (a renamed field shows as "n/a"). The
 * history goes before the tokenizer cache, so the latter is charged only with text nothing else holds.
 */
const containers: [name: string, pick: (stores: StateStores) => unknown[]][] = [
  ["answer cache", (stores) => [field(stores.cache, "cache")]],
  [
    "usage counters + leaderboards",
    (stores) => [field(stores.usage, "counters"), field(stores.usage, "boards")],
  ],
  ["history store", (stores) => [field(stores.history, "conversations")]],
  ["tokenizer merge cache (gpt-tokenizer)", () => [tokenizerCache]],
  ["dedupe store", (stores) => [field(stores.dedupe, "seen")]],
];

function field(owner: unknown, name: string): unknown {
  return owner && typeof owner === "object" ? (owner as Record<string, unknown>)[name] : undefined;
}

const isClearable = (value: unknown): value is Clearable =>
  typeof value === "object" && value !== null && typeof (value as Clearable).clear === "function";

export interface StoreShare {
  store: string;
  /** Heap freed by emptying the store; undefined when its container could not be found. */
  bytes: number | undefined;
}

/**
 * Measures what each store holds by emptying it and weighing the heap before and after. Destructive:
 * call it last, on a bot that is no longer used.
 */
export async function heapByStore(stores: StateStores): Promise<StoreShare[]> {
  const shares: StoreShare[] = [];
  for (const [store, pick] of containers) {
    const found = pick(stores).filter(isClearable);
    if (found.length === 0) {
      shares.push({ store, bytes: undefined });
      continue;
    }
    const before = await settledHeapBytes();
    for (const container of found) container.clear();
    shares.push({ store, bytes: before - (await settledHeapBytes()) });
  }
  return shares;
}
