import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envExample, withConfigurationTable } from "../../src/config/docs.ts";
import { allVariables } from "../../src/config/variables/index.ts";

describe("configuration docs", () => {
  it("README's table is the one generated from the variables (run `npm run docs` after a change)", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(readme).toBe(withConfigurationTable(readme));
  });

  it(".env.example is the one generated from the variables and names every variable", () => {
    const example = readFileSync(".env.example", "utf8");
    expect(example).toBe(envExample());
    for (const name of Object.keys(allVariables)) expect(example).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  });
});
