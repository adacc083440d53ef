import { readFileSync, writeFileSync } from "node:fs";
import { CONFIGURATION_DOC, envExample, withConfigurationTable } from "../src/config/docs.ts";

// `npm run docs`: rewrites the configuration table of docs/configuration.md and .env.example from the variables.
writeFileSync(CONFIGURATION_DOC, withConfigurationTable(readFileSync(CONFIGURATION_DOC, "utf8")));
writeFileSync(".env.example", envExample());
process.stdout.write(`${CONFIGURATION_DOC} configuration table and .env.example regenerated.\n`);
