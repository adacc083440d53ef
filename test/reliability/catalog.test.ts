import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalog } from "./catalog.ts";
import { renderReliabilityDoc } from "./catalog-doc.ts";

interface DeclaredTest {
  name: string;
  /** Declared with `it.fails` / `test.fails`. */
  fails: boolean;
}

/** The tests a file declares, read from its source: `it("…")`, `it.fails("…")`, `test("…")`. */
function declaredTests(file: string): DeclaredTest[] {
  const source = readFileSync(file, "utf8");
  const declaration = /\b(?:it|test)(\.fails|\.only|\.skip|\.todo)?\(\s*(["'`])((?:\\.|(?!\2)[^\\])*)\2/g;
  return [...source.matchAll(declaration)].map((match) => ({
    name: (match[3] ?? "").replace(/\\(.)/g, "$1"),
    fails: match[1] === ".fails",
  }));
}

const suiteDir = "test/reliability";
const suiteFiles = readdirSync(suiteDir)
  .filter((name) => name.endsWith(".test.ts") && name !== "catalog.test.ts")
  .map((name) => join(suiteDir, name));

describe("RELIABILITY.md and its catalog", () => {
  it("RELIABILITY.md is the one generated from the catalog (run `npm run reliability:doc` after a change)", () => {
    expect(readFileSync("RELIABILITY.md", "utf8")).toBe(renderReliabilityDoc());
  });

  it("every test the catalog names exists, as it.fails exactly when its case does not hold yet", () => {
    const problems: string[] = [];
    for (const item of catalog) {
      expect(item.tests.length, item.case).toBeGreaterThan(0);
      for (const ref of item.tests) {
        if (!existsSync(ref.file)) {
          problems.push(`${item.case}: no file ${ref.file}`);
          continue;
        }
        const found = declaredTests(ref.file).filter((test) => test.name === ref.test);
        if (found.length !== 1)
          problems.push(`${item.case}: ${found.length} tests named "${ref.test}" in ${ref.file}`);
        else if (found[0]?.fails !== Boolean(item.doesNotHoldYet)) {
          problems.push(`${item.case}: "${ref.test}" is ${found[0]?.fails ? "" : "not "}it.fails`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("every test of the reliability suite is in the catalog, so nothing failing is hidden", () => {
    const named = new Set(catalog.flatMap((item) => item.tests.map((ref) => `${ref.file}: ${ref.test}`)));
    const missing = suiteFiles.flatMap((file) =>
      declaredTests(file)
        .map((test) => `${file}: ${test.name}`)
        .filter((key) => !named.has(key)),
    );
    expect(missing).toEqual([]);
    expect(suiteFiles.length).toBeGreaterThan(5);
  });

  it("names each case once", () => {
    const cases = catalog.map((item) => `${item.area}: ${item.case}`);
    expect(new Set(cases).size).toBe(cases.length);
  });
});
