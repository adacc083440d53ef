import OpenAI, { APIError } from "openai";
import type { ServiceOverrides } from "../../src/services.ts";
import { askTimed, BENCH_API_KEY, benchTurn, createBenchBot } from "../support/bot.ts";

/** How a burst ended for one client: failures are questions the user never got an answer to. */
export interface BurstCounts {
  answered: number;
  failed: number;
}

/** A client made ready for one burst (connections, bot wiring) before the clock starts. */
export type PreparedBurst = (questions: readonly string[]) => Promise<BurstCounts>;

export interface ClientSpec {
  kind: "bot" | "sdk" | "tutorial";
  /** Bot configuration on top of the bench defaults. */
  env?: Record<string, string>;
}

const model = "bench-model";

async function streamOnce(sdk: OpenAI, question: string): Promise<string> {
  const stream = await sdk.chat.completions.create({
    model,
    messages: [{ role: "user", content: question }],
    max_tokens: 256,
    stream: true,
  });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  return text;
}

const failedOf = (settled: PromiseSettledResult<unknown>[]) =>
  settled.filter((outcome) => outcome.status === "rejected").length;

/** This bot: every question its own thread, all at once, through the real engine and client. */
function prepareBot(
  baseUrl: string,
  env: Record<string, string>,
  overrides: ServiceOverrides = {},
): PreparedBurst {
  const bot = createBenchBot(baseUrl, { CACHE_TTL_SECONDS: "0", ...env }, overrides);
  return async (questions) => {
    const outcomes = await Promise.all(
      questions.map((text, index) => askTimed(bot.engine, benchTurn({ threadId: `burst-${index}`, text }))),
    );
    const failed = outcomes.filter((outcome) => outcome.result.failure).length;
    return { answered: questions.length - failed, failed };
  };
}

/** The openai SDK as most code uses it: default retries (2), which honour retry-after, and no pacing. */
function prepareSdk(baseUrl: string): PreparedBurst {
  const sdk = new OpenAI({ apiKey: BENCH_API_KEY, baseURL: baseUrl });
  return async (questions) => {
    const failed = failedOf(await Promise.allSettled(questions.map((question) => streamOnce(sdk, question))));
    return { answered: questions.length - failed, failed };
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** retry-after in (possibly fractional) seconds, as the tutorials read it; 1 s when absent. */
function retryAfterSeconds(error: APIError): number {
  const value = Number.parseFloat(error.headers?.get("retry-after") ?? "");
  return Number.isFinite(value) && value >= 0 ? value : 1;
}

/** The common tutorial loop: 5 worker "threads", up to 3 tries per question, sleep retry-after on 429. */
function prepareTutorial(baseUrl: string): PreparedBurst {
  const sdk = new OpenAI({ apiKey: BENCH_API_KEY, baseURL: baseUrl, maxRetries: 0 });
  return async (questions) => {
    const queue = [...questions];
    let failed = 0;
    const worker = async () => {
      for (let question = queue.shift(); question !== undefined; question = queue.shift()) {
        for (let attempt = 1; ; attempt++) {
          try {
            await streamOnce(sdk, question);
            break;
          } catch (error) {
            if (error instanceof APIError && error.status === 429 && attempt < 3) {
              await sleep(retryAfterSeconds(error) * 1000);
              continue;
            }
            failed++;
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 5 }, worker));
    return { answered: questions.length - failed, failed };
  };
}

/** `overrides` reach the bot only (Redis stores for replicas, a test clock). */
export function prepareClient(
  spec: ClientSpec,
  baseUrl: string,
  overrides: ServiceOverrides = {},
): PreparedBurst {
  switch (spec.kind) {
    case "bot":
      return prepareBot(baseUrl, spec.env ?? {}, overrides);
    case "sdk":
      return prepareSdk(baseUrl);
    case "tutorial":
      return prepareTutorial(baseUrl);
  }
}
