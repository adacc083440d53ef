import { fileURLToPath } from "node:url";
import { runShardManager } from "../adapters/discord/sharding/manager.ts";
import { createLogger, loadConfigOrExit } from "../src/index.ts";

// `npm run start:sharded`: one supervising process, one child process per Discord shard.
const config = loadConfigOrExit();
await runShardManager({
  config,
  logger: createLogger(config.LOG_LEVEL),
  shardEntry: fileURLToPath(new URL("./discord-shard.ts", import.meta.url)),
});
