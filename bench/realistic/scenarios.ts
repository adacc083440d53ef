import type { QuestionRecord } from "./clients.ts";
import type { PlannedQuestion, Scenario } from "./plan.ts";
import type { ProviderCounts } from "./provider.ts";

export interface RealisticProfile {
  /** Real milliseconds per simulated second: 50 = time runs 20 times faster. */
  msPerSecond: number;
  /** Simulated seconds of arrivals per scenario. */
  seconds: number;
  /** The provider's limits per (simulated) minute. */
  requestsPerMinute: number;
  tokensPerMinute: number;
  /** The longest a question may wait, simulated seconds (the bot's LLM_DEADLINE_MS, scaled). */
  deadlineSeconds: number;
  /** Real ms between streamed chunks. */
  chunkIntervalMs: number;
}

export const botLabel = (concurrency: number) => `this bot, defaults (LLM_MAX_CONCURRENCY=${concurrency})`;
export const REPLICAS = "this bot, 2 processes sharing Redis";
export const SDK = "openai SDK, default retries (2)";
export const TUTORIAL = "tutorial loop (5 workers, sleep retry-after)";
export const ORACLE = "oracle (knows the limits exactly)";

export const WORKSPACES = 4;
export const USERS_PER_WORKSPACE = 5;
export const BURST_QUESTIONS = 30;

/** The scenarios in the order they run; the burst case also runs without its burst, as its baseline. */
export function scenarios(profile: RealisticProfile): Scenario[] {
  const base = { seconds: profile.seconds, workspaces: WORKSPACES, usersPerWorkspace: USERS_PER_WORKSPACE };
  const burstAt = Math.round(profile.seconds / 3);
  return [
    { name: "50 %", load: 0.5, startFull: 1, ...base },
    { name: "90 %", load: 0.9, startFull: 1, ...base },
    // Above the limit the buckets are empty in the steady state: start there.
    { name: "150 %", load: 1.5, startFull: 0, ...base },
    { name: "50 %, no burst (baseline)", load: 0.5, startFull: 1, ...base },
    {
      name: `50 % + one workspace bursting ${BURST_QUESTIONS}`,
      load: 0.5,
      startFull: 1,
      ...base,
      burst: { questions: BURST_QUESTIONS, atSeconds: burstAt },
    },
  ];
}

export interface ScenarioRun {
  scenario: Scenario;
  questions: PlannedQuestion[];
  results: ClientResult[];
}

/** One client's outcome in one scenario, in simulated seconds. */
export interface ClientResult {
  client: string;
  records: QuestionRecord[];
  provider: ProviderCounts;
}

export interface Summary {
  answered: number;
  refused: number;
  failed: number;
  firstP50: number;
  firstP99: number;
  doneP50: number;
  doneP99: number;
  /** Slowest refusal (time from arrival to being told), and refusals told within a second. */
  slowestRefusal: number;
  refusedWithinSecond: number;
  /** First arrival (0) to the last answer. */
  makespan: number;
  rejectedShare: number;
  requests: number;
}

function quantileOf(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const ordered = [...values].sort((a, b) => a - b);
  const position = (ordered.length - 1) * q;
  const low = ordered[Math.floor(position)] as number;
  const high = ordered[Math.ceil(position)] as number;
  return low + (high - low) * (position - Math.floor(position));
}

/** Figures over the questions `include` picks (all by default), in simulated seconds. */
export function summarize(
  result: ClientResult,
  questions: readonly PlannedQuestion[],
  msPerSecond: number,
  include: (question: PlannedQuestion) => boolean = () => true,
): Summary {
  const byIndex = new Map(questions.map((question) => [question.index, question]));
  const chosen = result.records.filter((record) => {
    const question = byIndex.get(record.index);
    return question !== undefined && include(question);
  });
  const seconds = (ms: number) => ms / msPerSecond;
  const answered = chosen.filter((record) => record.outcome === "answered");
  const first = answered.flatMap((record) =>
    record.firstTextMs === undefined ? [] : [seconds(record.firstTextMs)],
  );
  const done = answered.map((record) => seconds(record.doneMs));
  const refusals = chosen
    .filter((record) => record.outcome === "refused")
    .map((record) => seconds(record.doneMs));
  const ends = answered.map((record) => (byIndex.get(record.index)?.atSeconds ?? 0) + seconds(record.doneMs));
  return {
    answered: answered.length,
    refused: refusals.length,
    failed: chosen.filter((record) => record.outcome === "failed").length,
    firstP50: quantileOf(first, 0.5),
    firstP99: quantileOf(first, 0.99),
    doneP50: quantileOf(done, 0.5),
    doneP99: quantileOf(done, 0.99),
    slowestRefusal: refusals.length > 0 ? Math.max(...refusals) : 0,
    refusedWithinSecond: refusals.filter((seconds) => seconds <= 1).length,
    makespan: ends.length > 0 ? Math.max(...ends) : 0,
    rejectedShare: result.provider.requests > 0 ? result.provider.rejected / result.provider.requests : 0,
    requests: result.provider.requests,
  };
}
