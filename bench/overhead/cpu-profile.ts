import { Session } from "node:inspector/promises";

/** Self time by where the code lives, in the order a reader would look for an optimization. */
const categories: [name: string, test: (url: string, fn: string) => boolean][] = [
  ["bot code (src/)", (url) => url.includes("/src/")],
  ["openai SDK", (url) => url.includes("node_modules/openai/")],
  [
    "undici (fetch, incl. its WASM HTTP parser)",
    (url, fn) => url.includes("undici") || url.startsWith("wasm://") || (fn === "dispatch" && url === ""),
  ],
  ["gpt-tokenizer", (url) => url.includes("node_modules/gpt-tokenizer/")],
  ["lru-cache", (url) => url.includes("node_modules/lru-cache/")],
  ["pino", (url) => url.includes("node_modules/pino")],
  ["garbage collector", (_url, fn) => fn === "(garbage collector)"],
  [
    "socket writes (writev)",
    (_url, fn) => fn === "writev" || fn === "writeUtf8String" || fn === "writeBuffer",
  ],
  [
    "AbortController / DOMException",
    (url, fn) =>
      /abort_controller|domexception|js_transferable|event_target/.test(url) || fn === "JSTransferable",
  ],
  ["JSON parse / stringify", (url, fn) => url === "" && (fn === "parse" || fn === "stringify")],
  ["web streams", (url) => url.includes("webstreams")],
  ["promises and microtasks", (_url, fn) => fn === "runMicrotasks" || fn === "processTicksAndRejections"],
  ["module loading", (url) => url.includes("modules/esm") || url.includes("modules/cjs")],
  ["V8 and native code ((program))", (_url, fn) => fn === "(program)"],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

export interface CpuShare {
  category: string;
  share: number;
}

/** Samples the CPU while `work` runs; returns the busy time's split by category, largest first. */
export async function profileShares(work: () => Promise<void>): Promise<CpuShare[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 250 });
    await session.post("Profiler.start");
    let failure: { error: unknown } | undefined;
    try {
      await work();
    } catch (error) {
      failure = { error };
    }
    const { profile } = (await session.post("Profiler.stop")) as {
      profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
    };
    if (failure) throw failure.error;
    return shares(profile);
  } finally {
    session.disconnect();
  }
}

function shares(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }): CpuShare[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node || node.callFrame.functionName === "(idle)") return;
    busy += delta;
    const { url, functionName } = node.callFrame;
    const category =
      categories.find(([, test]) => test(url, functionName))?.[0] ?? "other (Node internals, V8)";
    totals.set(category, (totals.get(category) ?? 0) + delta);
  });
  return [...totals]
    .map(([category, time]) => ({ category, share: busy > 0 ? time / busy : 0 }))
    .sort((a, b) => b.share - a.share);
}
