import { readFileSync } from "node:fs";
import OpenAI, { type APIError } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { planOf, planQuestions, questionText, type Scenario } from "../../bench/realistic/plan.ts";
import {
  type ContinuousOpenAI,
  openAiDuration,
  startContinuousOpenAI,
} from "../../bench/realistic/provider.ts";
import { BENCH_API_KEY } from "../../bench/support/bot.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/openai-rate-limits/${name}`, import.meta.url), "utf8");

/** The Python SDK prints the body as a dict: turn the recorded line back into the JSON it was. */
function recordedBody(name: string): { error: Record<string, unknown> } {
  const line = fixture(name).trim();
  const dict = line.slice(line.indexOf("{"));
  return JSON.parse(dict.replace(/'/g, '"').replace(/\bNone\b/g, "null"));
}

const recordedHeaders = new Map(
  fixture("headers-200.txt")
    .trim()
    .split("\n")
    .map((line) => line.split(": ") as [string, string]),
);

// OpenAI's message, up to the sentence some accounts get appended.
const RATE_LIMIT_MESSAGE =
  /^Rate limit reached for \S+ in organization \S+ on (requests per min \(RPM\)|tokens per min \(TPM\)): Limit \d+, Used \d+, Requested \d+\. Please try again in \d+(\.\d+)?m?s\. Visit https:\/\/platform\.openai\.com\/account\/rate-limits to learn more\./;
const DURATION = /^(\d+(\.\d+)?(ms|s)|\d+m\d+(\.\d+)?s)$/;

describe("the realistic benchmark's provider", () => {
  let provider: ContinuousOpenAI | undefined;
  afterEach(async () => {
    await provider?.close();
    provider = undefined;
  });

  async function start(requests: number, tokens: number) {
    // A minute of ten minutes: nothing refills noticeably while a test runs.
    provider = await startContinuousOpenAI({
      requests,
      tokens,
      periodMs: 600_000,
      startFull: 1,
      msPerSecond: 1,
      chunkIntervalMs: 1,
    });
    return new OpenAI({ apiKey: BENCH_API_KEY, baseURL: provider.url, maxRetries: 0 });
  }

  const ask = (sdk: OpenAI, maxTokens = 100) =>
    sdk.chat.completions
      .create({
        model: "bench-model",
        messages: [
          {
            role: "user",
            content: questionText(0, { firstTokenSeconds: 0, tokens: 3, tokensPerSecond: 1000 }),
          },
        ],
        max_tokens: maxTokens,
        stream: true,
      })
      .withResponse();

  it("admits exactly the bucket and answers the rest with OpenAI-shaped 429s", async () => {
    const sdk = await start(5, 1_000_000);
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => ask(sdk)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(5);
    const rejected = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as APIError] : []));
    expect(rejected).toHaveLength(7);
    expect(provider?.counts()).toMatchObject({ requests: 12, admitted: 5, rejected: 7 });
    expect(provider?.counts().lowestRequests).toBeGreaterThanOrEqual(0);
    const recorded = recordedBody("429-requests.txt");
    expect(String(recorded.error.message)).toMatch(RATE_LIMIT_MESSAGE);
    for (const error of rejected) {
      expect(error.status).toBe(429);
      const body = error.error as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(Object.keys(recorded.error).sort());
      expect(body).toMatchObject({ type: recorded.error.type, code: recorded.error.code, param: null });
      expect(String(body.message)).toMatch(RATE_LIMIT_MESSAGE);
      expect(Number(error.headers?.get("retry-after"))).toBeGreaterThan(0);
    }
  });

  it("names the token limit the way OpenAI does when tokens run out first", async () => {
    const sdk = await start(100, 2_500);
    const outcomes = await Promise.allSettled([ask(sdk, 1_000), ask(sdk, 1_000), ask(sdk, 1_000)]);
    const error = outcomes.find((o) => o.status === "rejected")?.reason as APIError;
    const recorded = recordedBody("429-tokens.txt");
    expect(String(recorded.error.message)).toMatch(RATE_LIMIT_MESSAGE);
    expect(error.error).toMatchObject({ type: recorded.error.type, code: recorded.error.code });
    expect(String((error.error as { message: string }).message)).toContain("tokens per min (TPM)");
  });

  it("sends the x-ratelimit headers OpenAI sends, in its duration syntax", async () => {
    const sdk = await start(500, 30_000);
    const { response } = await ask(sdk, 1);
    for (const [name, value] of recordedHeaders) {
      expect(response.headers.get(name)).not.toBeNull();
      if (name.startsWith("x-ratelimit-reset")) {
        expect(value).toMatch(DURATION);
        expect(response.headers.get(name)).toMatch(DURATION);
      }
    }
    expect(response.headers.get("x-ratelimit-remaining-requests")).toBe("499");
    expect(openAiDuration(120)).toBe("120ms");
    expect(openAiDuration(8)).toBe("8ms");
    expect(openAiDuration(360_000)).toBe("6m0s");
  });
});

describe("the realistic benchmark's questions", () => {
  const scenario: Scenario = {
    name: "t",
    load: 0.5,
    seconds: 600,
    workspaces: 4,
    usersPerWorkspace: 5,
    startFull: 1,
    burst: { questions: 30, atSeconds: 100 },
  };

  it("are the same for every run and client, with the burst on top of the same arrivals", () => {
    const withBurst = planQuestions(scenario, 20, 7);
    const { burst: _burst, ...plain } = scenario;
    const without = planQuestions(plain, 20, 7);
    expect(planQuestions(scenario, 20, 7)).toEqual(withBurst);
    expect(withBurst.filter((q) => q.burst)).toHaveLength(30);
    expect(new Set(withBurst.filter((q) => q.burst).map((q) => q.workspaceId))).toEqual(new Set(["T-burst"]));
    expect(withBurst.filter((q) => !q.burst).map((q) => q.text)).toEqual(without.map((q) => q.text));
    // Poisson at half of 20 a minute for 10 minutes: about 100.
    expect(without.length).toBeGreaterThan(70);
    expect(without.length).toBeLessThan(130);
  });

  it("carry their answer plan within realistic bounds to the provider", () => {
    for (const question of planQuestions(scenario, 20, 7)) {
      const plan = planOf({ messages: [{ role: "user", content: question.text }] });
      expect(plan.firstTokenSeconds).toBeGreaterThanOrEqual(0.3);
      expect(plan.firstTokenSeconds).toBeLessThanOrEqual(1);
      expect(plan.tokens).toBeGreaterThanOrEqual(50);
      expect(plan.tokens).toBeLessThanOrEqual(800);
      expect(plan.tokensPerSecond).toBeGreaterThanOrEqual(30);
      expect(plan.tokensPerSecond).toBeLessThanOrEqual(100);
    }
  });
});
