import type { Config } from "./config/config.ts";
import type { ConversationEngine } from "./engine/types.ts";
import type { Logger } from "./observability/logger.ts";
import type { DedupeStore } from "./state/dedupe.ts";

/** What an adapter gets from the process: nothing platform-specific. */
export interface AdapterServices {
  config: Config;
  engine: ConversationEngine;
  dedupe: DedupeStore;
  logger: Logger;
}

/**
 * A platform connection. `start` resolves once the adapter is receiving events (or rejects with a
 * clear error, e.g. invalid credentials); `stop` stops taking new events and closes connections.
 */
export interface Adapter {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
