import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { runShardManager } from "../adapters/discord/sharding/manager.ts";
import { createLogger, loadConfigOrExit } from "../src/index.ts";

// `npm run start:sharded`: one supervising process, one child process per Discord shard.
// The shard entry sits beside this file: app/discord-shard.ts from the sources (under tsx), or
// dist/app/discord-shard.js from the compiled build.
const ownFile = fileURLToPath(import.meta.url);
const config = loadConfigOrExit();
await runShardManager({
  config,
  logger: createLogger(config.LOG_LEVEL),
  shardEntry: fileURLToPath(new URL(`./discord-shard${extname(ownFile)}`, import.meta.url)),
});
