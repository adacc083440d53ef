import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** `gc()` without starting node with --expose-gc: heap figures are only comparable after a full collection. */
function obtainGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const gc = obtainGc();

/** Heap in use after full collections (two, so weak references and finalizers settle). */
export async function settledHeapBytes(): Promise<number> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}
