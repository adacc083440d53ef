import type { AddressInfo } from "node:net";
import { App, LogLevel } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { ConversationEngine } from "../../src/engine/types.ts";
import {
  healthRoutes,
  type RunningHealthServer,
  startHealthServer,
} from "../../src/monitoring/health-server.ts";
import { type BotMetrics, createMetrics } from "../../src/monitoring/metrics.ts";
import { createTestServices, type TestServices } from "../support/services.ts";

const turn = (text: string, threadId: string): InboundTurn => ({
  platform: "slack",
  workspaceId: "T1",
  channelId: "C1",
  threadId,
  userId: "U1",
  userName: "Ada",
  text,
  isDirectMessage: false,
});

async function finalText(engine: ConversationEngine, question: InboundTurn): Promise<string> {
  let text = "";
  for await (const event of engine.ask(question)) if (event.type === "final") text = event.result.text;
  return text;
}

/** The value of one sample line of the Prometheus text, e.g. `bot_redis_up` or `name{label="x"}`. */
function sample(body: string, series: string): number | undefined {
  const line = body.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let services: TestServices | undefined;
let health: RunningHealthServer | undefined;
let slackApp: App | undefined;

afterEach(async () => {
  await health?.close();
  await slackApp?.stop();
  await services?.close();
  health = undefined;
  slackApp = undefined;
  services = undefined;
});

async function instrumentedBot(): Promise<{
  metrics: BotMetrics;
  engine: ConversationEngine;
  bot: TestServices;
}> {
  const metrics = createMetrics({ processMetrics: false });
  const bot = await createTestServices(
    {},
    { observer: metrics.engineObserver, onAttempt: (outcome) => metrics.recordAttempt(outcome, 1) },
  );
  services = bot;
  metrics.watch({ limiter: bot.services.stores.limiter, cache: bot.services.stores.cache });
  return { metrics, engine: metrics.instrument(bot.services.engine), bot };
}

describe("metrics", () => {
  it("counts messages, attempts by outcome, 429s, cool-down, cache outcomes, answers, latency and tokens", async () => {
    const { metrics, engine, bot } = await instrumentedBot();
    let calls = 0;
    bot.fakeOpenAI.setResponder((request) =>
      calls++ === 0
        ? {
            kind: "error",
            status: 429,
            body: { error: { message: "slow down", type: "rate_limit_exceeded", code: null } },
            headers: { "retry-after-ms": "1500" },
          }
        : { kind: "text", text: `Answer ${request.index}` },
    );
    metrics.messages.inc({ platform: "slack", kind: "mention" });
    metrics.messages.inc({ platform: "slack", kind: "mention" });
    expect(await finalText(engine, turn("what is a shard?", "t1"))).toBe("Answer 1");
    expect(await finalText(engine, turn("what is a shard?", "t2"))).toBe("Answer 1");
    metrics.recordAttempt("retryable_error", 2);

    const { body, contentType } = await metrics.render();
    expect(contentType).toContain("text/plain");
    expect(sample(body, 'bot_messages_total{platform="slack",kind="mention"}')).toBe(2);
    expect(sample(body, 'bot_llm_requests_total{outcome="rate_limited"}')).toBe(1);
    expect(sample(body, 'bot_llm_requests_total{outcome="ok"}')).toBe(1);
    expect(sample(body, 'bot_llm_requests_total{outcome="retryable_error"}')).toBe(1);
    expect(sample(body, "bot_llm_rate_limited_total")).toBe(1);
    expect(sample(body, "bot_llm_retries_total")).toBe(1);
    // The server's 1.5 s, counted from the moment the limiter heard of it (a ms or two after the 429).
    expect(sample(body, "bot_llm_cooldown_seconds_total")).toBeGreaterThan(1.45);
    expect(sample(body, 'bot_cache_requests_total{outcome="miss"}')).toBe(1);
    expect(sample(body, 'bot_cache_requests_total{outcome="hit"}')).toBe(1);
    expect(sample(body, 'bot_answers_total{cache="hit",result="ok"}')).toBe(1);
    expect(sample(body, 'bot_answers_total{cache="miss",result="ok"}')).toBe(1);
    expect(sample(body, 'bot_answer_duration_seconds_count{platform="slack",result="ok"}')).toBe(2);
    expect(sample(body, 'bot_time_to_first_token_seconds_count{platform="slack"}')).toBe(2);
    expect(sample(body, 'bot_llm_tokens_total{direction="in"}')).toBeGreaterThan(0);
    expect(sample(body, 'bot_llm_tokens_total{direction="out"}')).toBeGreaterThan(0);
    expect(sample(body, "bot_llm_in_flight")).toBe(0);
    expect(sample(body, "bot_llm_queued")).toBe(0);
    // The first attempt and its retry, which waited out the cool-down in the pacing queue.
    expect(sample(body, "bot_llm_queue_admitted_total")).toBe(2);
    expect(sample(body, "bot_llm_queue_wait_seconds_total")).toBeGreaterThan(1.4);
    expect(sample(body, "bot_llm_queue_refused_total")).toBe(0);
    // Scraping twice must not count the mirrored totals twice.
    const again = (await metrics.render()).body;
    expect(sample(again, 'bot_cache_requests_total{outcome="hit"}')).toBe(1);
    expect(sample(again, "bot_llm_cooldown_seconds_total")).toBe(
      sample(body, "bot_llm_cooldown_seconds_total"),
    );
  });
});

describe("health endpoints", () => {
  it("answers /healthz, /readyz (200 or 503 with the checks) and /metrics on a port of their own", async () => {
    const { metrics } = await instrumentedBot();
    let redisUp = true;
    metrics.watch({ redisReady: () => redisUp });
    health = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      metrics,
      readiness: () => ({ slack: true, redis: redisUp }),
    });
    const base = `http://127.0.0.1:${health.port}`;

    const alive = await fetch(`${base}/healthz`);
    expect(alive.status).toBe(200);
    expect(await alive.json()).toEqual({ status: "ok" });

    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { slack: true, redis: true } });

    redisUp = false;
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, checks: { slack: true, redis: false } });

    const scraped = await fetch(`${base}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get("content-type")).toContain("text/plain");
    expect(sample(await scraped.text(), "bot_redis_up")).toBe(0);

    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: "POST" })).status).toBe(404);
  });

  it("reports not ready when the readiness check throws", async () => {
    health = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      readiness: () => {
        throw new Error("adapter state unknown");
      },
    });
    const response = await fetch(`http://127.0.0.1:${health.port}/readyz`);
    expect(response.status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${health.port}/metrics`)).status).toBe(404);
  });

  it("mounts on Bolt's HTTP receiver next to /slack/events", async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.messages.inc({ platform: "slack", kind: "dm" });
    slackApp = new App({
      token: "xoxb-test-token",
      signingSecret: "test-signing-secret",
      tokenVerificationEnabled: false,
      logLevel: LogLevel.ERROR,
      customRoutes: healthRoutes({ metrics, readiness: () => ({ slack: true }) }),
    });
    const server = (await slackApp.start(0)) as { address(): AddressInfo | string | null };
    const port = (server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ ready: true, checks: { slack: true } });
    expect(
      sample(await (await fetch(`${base}/metrics`)).text(), 'bot_messages_total{platform="slack",kind="dm"}'),
    ).toBe(1);
    expect((await fetch(`${base}/slack/events`, { method: "POST", body: "{}" })).status).toBe(401);
  });
});
