import type { Config } from "../config/config.ts";
import type { Clock } from "../llm/clock.ts";
import type { Logger } from "../observability/logger.ts";
import { createMemoryStores, type StateStores, type StoresConfig } from "./stores.ts";

/** The stores of one process, and what it must do with them at the end. */
export interface OpenedStores {
  stores: StateStores;
  /** Whether shared state is reachable; undefined for memory stores, which always are. */
  isReady?: () => boolean;
  close(): Promise<void>;
}

/**
 * The one store factory: Redis-backed stores when REDIS_URL is set (loaded only then), memory
 * stores otherwise. Rejects with a `RedisStartupError` when Redis cannot be reached at start.
 */
export async function openStores(
  config: StoresConfig & Pick<Config, "REDIS_URL">,
  clock: Clock,
  logger: Logger,
): Promise<OpenedStores> {
  if (!config.REDIS_URL) return { stores: createMemoryStores(config, clock), close: async () => {} };
  const { createRedisStores } = await import("./redis/create-stores.ts");
  return createRedisStores(config.REDIS_URL, config, clock, logger);
}
