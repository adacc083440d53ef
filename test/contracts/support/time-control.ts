/**
 * How a contract moves time for TTL tests. The memory stores follow vi fake timers; a Redis store
 * cannot fast-forward the server, so its harness may advance by really waiting (keep TTLs short) or
 * pass no TimeControl, which skips the TTL cases.
 */
export interface TimeControl {
  /** Called before the store under test is created. */
  start(): void;
  advance(ms: number): Promise<void>;
  stop(): void;
}
