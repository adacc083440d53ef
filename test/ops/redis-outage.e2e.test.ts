import { beforeAll, describe, expect, it } from "vitest";
import {
  answerLands,
  conversationSent,
  deliverMention,
  E2E_TIMEOUT_MS,
  linesAtLeast,
  logged,
  type RunningBot,
  sample,
  shareE2EFakes,
  slackEnv,
} from "./e2e-support.ts";

// A running bot process loses its redis-server, then gets it back (empty: no persistence): it keeps
// answering throughout, reports the outage on /readyz and /metrics, and never crashes.

const e2e = shareE2EFakes({ slack: true });

beforeAll(() => {
  e2e.slack.setUser("U1", { displayName: "Ada" });
});

/** /readyz tells when the secrets in use were loaded; readiness does not depend on it. */
const secretsLoaded = { secretsLoadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) };

async function readiness(bot: RunningBot): Promise<{ status: number; body: unknown; redisUp?: number }> {
  const ready = await fetch(`${bot.base}/readyz`);
  const metrics = await (await fetch(`${bot.base}/metrics`)).text();
  return { status: ready.status, body: await ready.json(), redisUp: sample(metrics, "bot_redis_up") };
}

describe("Redis stopped mid-run, then restarted", () => {
  it(
    "answers before, during and after the outage, logs it once, and stays up",
    async () => {
      const { fleet, redis, slack, openai } = e2e;
      const bot = await fleet.start(slackEnv(slack, openai, redis.url));
      const root = "1700000300.000100";
      await deliverMention(bot, { ts: root, text: "first, with Redis", eventId: "EvOutage1" });
      await answerLands(slack, root, "Echo: first, with Redis");
      expect(await readiness(bot)).toEqual({
        status: 200,
        body: { ready: true, checks: { slack: true, redis: true }, details: secretsLoaded },
        redisUp: 1,
      });

      await redis.stop();
      await bot.waitForLog((entry) => String(entry.msg).startsWith("Redis unreachable"));
      expect(await readiness(bot)).toEqual({
        status: 503,
        body: { ready: false, checks: { slack: true, redis: false }, details: secretsLoaded },
        redisUp: 0,
      });
      // The thread goes on from this process's copy of its history; a new thread is answered too.
      await deliverMention(bot, {
        ts: "1700000300.000200",
        threadTs: root,
        text: "second, without Redis",
        eventId: "EvOutage2",
      });
      await answerLands(slack, root, "Echo: second, without Redis");
      expect(conversationSent(openai.requests[1])).toEqual([
        "user: first, with Redis",
        "assistant: Echo: first, with Redis",
        "user: second, without Redis",
      ]);
      await deliverMention(bot, { ts: "1700000300.000300", text: "a new thread", eventId: "EvOutage3" });
      await answerLands(slack, "1700000300.000300", "Echo: a new thread");

      await redis.restart();
      await bot.waitForLog(logged("Redis reachable again"));
      expect((await readiness(bot)).status).toBe(200);
      await deliverMention(bot, {
        ts: "1700000300.000400",
        threadTs: root,
        text: "third, with Redis back",
        eventId: "EvOutage4",
      });
      await answerLands(slack, root, "Echo: third, with Redis back");

      expect(openai.requests).toHaveLength(4);
      expect(bot.child.exitCode).toBeNull();
      expect(bot.logs.filter((entry) => String(entry.msg).startsWith("Redis unreachable"))).toHaveLength(1);
      expect(bot.logs.filter(logged("unhandled rejection"))).toHaveLength(0);
      // Nothing at error level: the outage is a warning, logged once.
      expect(linesAtLeast(bot, 50)).toHaveLength(0);
      expect(linesAtLeast(bot, 40).map((entry) => String(entry.msg).split(":")[0])).toEqual([
        "Redis unreachable",
      ]);
      expect(bot.stderr()).toBe("");
      expect(await bot.stop()).toBe(0);
    },
    E2E_TIMEOUT_MS,
  );
});
