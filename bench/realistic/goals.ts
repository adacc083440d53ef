import type { GoalResult } from "../support/markdown.ts";
import { formatNumber } from "../support/stats.ts";
import { ORACLE, REPLICAS, type ScenarioRun, SDK, type Summary, summarize } from "./scenarios.ts";

const s = (value: number) => `${formatNumber(value, 2)} s`;
const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function find(
  run: ScenarioRun | undefined,
  client: string,
  ms: number,
  include?: Parameters<typeof summarize>[3],
) {
  const result = run?.results.find((candidate) => candidate.client === client);
  return run && result ? summarize(result, run.questions, ms, include) : undefined;
}

const missing: GoalResult["verdict"] = "not measured";

/** The goals, each with its figure; the bot with its defaults is the one judged. */
export function realisticGoals(runs: ScenarioRun[], ms: number, BOT: string): GoalResult[] {
  const goals: GoalResult[] = [];
  for (const name of ["50 %", "90 %"]) {
    const run = runs.find((candidate) => candidate.scenario.name === name);
    const bot = find(run, BOT, ms);
    const sdk = find(run, SDK, ms);
    if (!bot || !sdk) {
      goals.push({ goal: `${name}: first words p99 near the SDK's`, verdict: missing, detail: "no run" });
      continue;
    }
    const allowed = Math.max(sdk.firstP99 * 0.1, 0.1);
    const met =
      bot.firstP99 <= sdk.firstP99 + allowed &&
      bot.failed === 0 &&
      bot.refused === 0 &&
      bot.rejectedShare === 0;
    goals.push({
      goal: `${name} of the limit: first-words p99 within 10 % (or 0.1 s) of the raw SDK's, 0 failures, 0 % 429s`,
      verdict: met ? "met" : "missed",
      detail:
        `p99 ${s(bot.firstP99)} vs SDK ${s(sdk.firstP99)} (allowed +${s(allowed)}); ` +
        `${bot.failed} failed, ${bot.refused} refused; 429s ${percent(bot.rejectedShare)}` +
        replicasNote(run, ms),
    });
  }
  const over = runs.find((candidate) => candidate.scenario.name === "150 %");
  const bot = find(over, BOT, ms);
  const oracle = find(over, ORACLE, ms);
  if (bot && oracle) {
    const ratio = bot.makespan / oracle.makespan;
    const met = bot.failed === 0 && bot.slowestRefusal <= 1 && ratio <= 1.05 && bot.rejectedShare < 0.02;
    goals.push({
      goal: "150 %: 0 failures among admitted, refusals within 1 s, makespan within 5 % of the oracle's, 429s under 2 %",
      verdict: met ? "met" : "missed",
      detail:
        `${bot.failed} failed; ${bot.refused} refused, ${bot.refusedWithinSecond} of them within 1 s (slowest told after ` +
        `${s(bot.slowestRefusal)}; the oracle refused ${oracle.refused}); ` +
        `makespan ${s(bot.makespan)} = ${ratio.toFixed(3)} × the oracle's ${s(oracle.makespan)}; ` +
        `429s ${percent(bot.rejectedShare)} of ${bot.requests}` +
        replicasNote(over, ms),
    });
  } else goals.push({ goal: "150 % of the limit", verdict: missing, detail: "no run" });
  const baseline = find(
    runs.find((run) => run.scenario.burst === undefined && run.scenario.name.includes("baseline")),
    BOT,
    ms,
  );
  const burstRun = runs.find((run) => run.scenario.burst !== undefined);
  const withBurst = find(burstRun, BOT, ms, (question) => !question.burst);
  if (baseline && withBurst) {
    const ratio = withBurst.firstP99 / baseline.firstP99;
    goals.push({
      goal: "Burst from one workspace: the other workspaces' first-words p99 within 20 % of their no-burst value",
      verdict: ratio <= 1.2 ? "met" : "missed",
      detail:
        `${s(withBurst.firstP99)} with the burst vs ${s(baseline.firstP99)} without (${ratio.toFixed(2)} ×)` +
        burstOthers(burstRun, ms),
    });
  } else goals.push({ goal: "Burst from one workspace", verdict: missing, detail: "no run" });
  return goals;
}

function replicasNote(run: ScenarioRun | undefined, ms: number): string {
  const replicas: Summary | undefined = find(run, REPLICAS, ms);
  if (!replicas) return "";
  return `; two replicas: p99 ${s(replicas.firstP99)}, ${replicas.failed} failed, 429s ${percent(replicas.rejectedShare)}`;
}

function burstOthers(run: ScenarioRun | undefined, ms: number): string {
  const sdk = find(run, SDK, ms, (question) => !question.burst);
  return sdk ? `; the raw SDK's others: ${s(sdk.firstP99)}` : "";
}
