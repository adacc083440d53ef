import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIGURATION_DOC, envExample, withConfigurationTable } from "../../src/config/docs.ts";
import { allVariables } from "../../src/config/variables/index.ts";

describe("configuration docs", () => {
  it("docs/configuration.md's table is the one generated from the variables (run `npm run docs` after a change)", () => {
    const document = readFileSync(CONFIGURATION_DOC, "utf8");
    expect(document).toBe(withConfigurationTable(document));
  });

  it("every document the README links to exists", () => {
    const readme = readFileSync("README.md", "utf8");
    const links = [...readme.matchAll(/\]\(((?:docs\/)?[A-Za-z-]+\.md)\)/g)].map(
      (match) => match[1] as string,
    );
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(existsSync(link), link).toBe(true);
  });

  it(".env.example is the one generated from the variables and names every variable", () => {
    const example = readFileSync(".env.example", "utf8");
    expect(example).toBe(envExample());
    for (const name of Object.keys(allVariables)) expect(example).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  });
});
