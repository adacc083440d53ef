/** Exit codes a supervisor (or the shard manager) can tell apart. */
export const ExitCode = {
  ok: 0,
  /** Invalid credentials and the like: the platform refused to start. */
  startFailed: 1,
  /** EX_UNAVAILABLE: Redis unreachable at start; a supervisor may retry later. */
  unavailable: 69,
  /** EX_CONFIG: nothing to run, or an invalid variable. */
  config: 78,
} as const;
