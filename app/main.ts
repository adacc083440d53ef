import { platformAdapters } from "./platforms.ts";
import { runBot } from "./run-bot.ts";

// `npm start`: every adapter whose credentials are present, in one process.
await runBot({ platforms: platformAdapters });
