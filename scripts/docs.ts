import { readFileSync, writeFileSync } from "node:fs";
import { envExample, withConfigurationTable } from "../src/config/docs.ts";

// `npm run docs`: rewrites the README's configuration table and .env.example from the variables.
const readme = readFileSync("README.md", "utf8");
writeFileSync("README.md", withConfigurationTable(readme));
writeFileSync(".env.example", envExample());
process.stdout.write("README.md configuration table and .env.example regenerated.\n");
