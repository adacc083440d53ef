import type { CompletionBody } from "../fakes/rate-limited-openai.ts";
import { type Random, seededRandom } from "../support/random.ts";

/** How the provider answers one question, in simulated seconds. */
export interface AnswerPlan {
  firstTokenSeconds: number;
  tokens: number;
  tokensPerSecond: number;
}

/** One question of a scenario: when it arrives (simulated seconds from the start) and from whom. */
export interface PlannedQuestion {
  index: number;
  atSeconds: number;
  workspaceId: string;
  userId: string;
  /** Carries its answer plan, so every client's provider answers it the same way. */
  text: string;
  /** Part of a one-workspace burst. */
  burst: boolean;
}

export interface Scenario {
  name: string;
  /** Poisson arrival rate as a fraction of the request limit. */
  load: number;
  /** Arrivals happen during this many simulated seconds. */
  seconds: number;
  workspaces: number;
  usersPerWorkspace: number;
  /** Fraction of the provider's buckets full at the start (steady state: full below the limit, empty above). */
  startFull: number;
  burst?: { questions: number; atSeconds: number };
}

/** Realistic answers: first token after 0.3–1 s, 50–800 tokens at 30–100 tokens/s. */
export function drawAnswer(random: Random): AnswerPlan {
  return {
    firstTokenSeconds: 0.3 + random() * 0.7,
    tokens: 50 + Math.floor(random() * 751),
    tokensPerSecond: 30 + random() * 70,
  };
}

const PLAN_TAG = /\[plan ([\d.]+) (\d+) ([\d.]+)\]/;

export function questionText(index: number, plan: AnswerPlan): string {
  return (
    `Question ${index}: how do rate limits shape latency? ` +
    `[plan ${plan.firstTokenSeconds.toFixed(3)} ${plan.tokens} ${plan.tokensPerSecond.toFixed(2)}]`
  );
}

/** The plan a request's last user message carries; a short default for anything else (warm-up). */
export function planOf(body: Pick<CompletionBody, "messages">): AnswerPlan {
  const last = [...body.messages].reverse().find((message) => message.role === "user")?.content ?? "";
  const match = PLAN_TAG.exec(last);
  if (!match) return { firstTokenSeconds: 0.3, tokens: 20, tokensPerSecond: 100 };
  return {
    firstTokenSeconds: Number(match[1]),
    tokens: Number(match[2]),
    tokensPerSecond: Number(match[3]),
  };
}

/**
 * A scenario's questions: Poisson arrivals at `load` × the request limit, spread over the workspaces
 * and their users at random, plus the burst (all from one more workspace at one instant).
 */
export function planQuestions(
  scenario: Scenario,
  requestsPerMinute: number,
  seed: number,
): PlannedQuestion[] {
  const random = seededRandom(seed);
  const rate = (scenario.load * requestsPerMinute) / 60;
  const questions: PlannedQuestion[] = [];
  for (let at = -Math.log(1 - random()) / rate; at < scenario.seconds; at += -Math.log(1 - random()) / rate) {
    const workspace = Math.floor(random() * scenario.workspaces);
    const user = Math.floor(random() * scenario.usersPerWorkspace);
    const index = questions.length;
    questions.push({
      index,
      atSeconds: at,
      workspaceId: `T${workspace}`,
      userId: `U${workspace}-${user}`,
      text: questionText(index, drawAnswer(random)),
      burst: false,
    });
  }
  if (scenario.burst) {
    for (let i = 0; i < scenario.burst.questions; i++) {
      const index = questions.length;
      questions.push({
        index,
        atSeconds: scenario.burst.atSeconds,
        workspaceId: "T-burst",
        userId: `U-burst-${i % 3}`,
        text: questionText(index, drawAnswer(random)),
        burst: true,
      });
    }
  }
  return questions.sort((a, b) => a.atSeconds - b.atSeconds);
}
