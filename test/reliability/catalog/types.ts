/** The shape of the reliability catalog: one row per fault, bad input or security rule. */

export type Area =
  | "LLM faults"
  | "Discord faults"
  | "Slack faults"
  | "Redis faults"
  | "Bad input"
  | "Security"
  | "Load"
  | "Properties";

export interface TestRef {
  /** Repository-relative test file. */
  file: string;
  /** The test's own name, as written in the file. */
  test: string;
}

export interface ReliabilityCase {
  area: Area;
  /** The fault or input, as the issue names it. */
  case: string;
  /** What the bot does; for a case that does not hold yet, what it should do. */
  behaviour: string;
  tests: TestRef[];
  /** Set when the case does not hold yet: what goes wrong instead. Its tests are `it.fails`. */
  doesNotHoldYet?: string;
}

/** Repository-relative paths of the suite's test files. */
export const FILES = {
  llm: "test/reliability/llm-faults.test.ts",
  discord: "test/reliability/discord-faults.test.ts",
  slack: "test/reliability/slack-faults.test.ts",
  redis: "test/reliability/redis-faults.test.ts",
  badInput: "test/reliability/bad-input.test.ts",
  slackRequests: "test/reliability/slack-requests.test.ts",
  security: "test/reliability/security.test.ts",
  load: "test/reliability/load.test.ts",
  properties: "test/reliability/properties.test.ts",
} as const;
