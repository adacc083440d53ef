import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type ImportEdge, importCycles, importGraph } from "./import-graph.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const edges = importGraph(root, ["src", "adapters", "app"]);

/**
 * The folders of `src/`, lowest first: each may import only those before it (and itself). Files at
 * the top of `src/` (the public surface, the service wiring) stand above them all.
 */
const SRC_LAYERS = [
  "text",
  "i18n",
  "config",
  "observability",
  "secrets",
  "llm",
  "conversation",
  "usage",
  "cache",
  "state",
  "governance",
  "engine",
  "reply",
  "monitoring",
];

/** `src/llm/errors.ts` -> "llm"; a file at the top of src -> undefined. */
function srcFolder(path: string): string | undefined {
  const parts = path.split("/");
  return parts[0] === "src" && parts.length > 2 ? parts[1] : undefined;
}

const describeEdge = ({ from, to }: ImportEdge) => `${from} -> ${to}`;

describe("the layering of the code", () => {
  it("reads a realistic number of imports (the parser works)", () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges).toContainEqual({ from: "src/engine/engine.ts", to: "src/engine/commands.ts" });
  });

  it("src/ knows no platform and no entry point: it never imports adapters/ or app/", () => {
    const upward = edges.filter((edge) => edge.from.startsWith("src/") && /^(adapters|app)\//.test(edge.to));
    expect(upward.map(describeEdge)).toEqual([]);
  });

  it("adapters import only the engine's public surface, and no other platform", () => {
    const deep = edges.filter(
      (edge) =>
        edge.from.startsWith("adapters/") &&
        ((edge.to.startsWith("src/") && edge.to !== "src/index.ts") ||
          edge.to.startsWith("app/") ||
          (edge.to.startsWith("adapters/") && edge.to.split("/")[1] !== edge.from.split("/")[1])),
    );
    expect(deep.map(describeEdge)).toEqual([]);
  });

  it("no folder of src/ imports one above it", () => {
    const upward = edges.filter((edge) => {
      const from = srcFolder(edge.from);
      if (!from || !edge.to.startsWith("src/")) return false;
      const to = srcFolder(edge.to);
      if (to === from) return false;
      // A top-level file of src/ (the public surface) is above every folder.
      if (to === undefined) return true;
      return SRC_LAYERS.indexOf(to) > SRC_LAYERS.indexOf(from);
    });
    expect(upward.map(describeEdge)).toEqual([]);
  });

  it("every folder of src/ has its place in the layers", () => {
    const folders = new Set(edges.flatMap((edge) => [srcFolder(edge.from), srcFolder(edge.to)]));
    folders.delete(undefined);
    expect([...folders].filter((folder) => !SRC_LAYERS.includes(folder as string))).toEqual([]);
  });

  it("has no import cycle anywhere", () => {
    expect(importCycles(edges).map((cycle) => cycle.join(" -> "))).toEqual([]);
  });
});
