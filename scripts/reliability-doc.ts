import { writeFileSync } from "node:fs";
import { renderReliabilityDoc } from "../test/reliability/catalog-doc.ts";

// `npm run reliability:doc`: rewrites RELIABILITY.md from the catalog of test/reliability/catalog.ts.
writeFileSync("RELIABILITY.md", renderReliabilityDoc());
process.stdout.write("RELIABILITY.md regenerated from test/reliability/catalog.ts.\n");
