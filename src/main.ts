import { platformAdapters } from "../adapters/registry.ts";
import { runBot } from "./bot/run.ts";

// `npm start`: every adapter whose credentials are present, in one process.
await runBot({ platforms: platformAdapters });
