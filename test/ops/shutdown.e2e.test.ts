import { describe, expect, it } from "vitest";
import { sendUserMessage } from "../fakes/discord/actors.ts";
import { FakeDiscord } from "../fakes/discord/server.ts";
import type { FakeResponse } from "../fakes/openai-server.ts";
import { type FakeSlack, startFakeSlack } from "../fakes/slack/web-api.ts";
import { TEST_OPENAI_KEY } from "../support/services.ts";
import {
  deliverMention,
  E2E_TIMEOUT_MS,
  logged,
  type RunningBot,
  sample,
  shareE2EFakes,
  slackEnv,
} from "./e2e-support.ts";

// SIGTERM to a real bot process while a slow answer streams: the answer must finish and show its full
// text, and the process must exit 0. The health endpoints answer while it runs.

const e2e = shareE2EFakes();

const slowAnswer = "A slow answer, streamed in six pieces, that must still arrive whole.";

/** The next upstream request streams slowly; resolves once it has arrived (the answer is in flight). */
function answerSlowly(): Promise<void> {
  return new Promise((arrived) => {
    e2e.openai.setResponder((): FakeResponse => {
      arrived();
      return { kind: "text", text: slowAnswer, chunks: 6, chunkDelayMs: 150 };
    });
  });
}

async function expectHealthy(bot: RunningBot, checks: Record<string, boolean>): Promise<string> {
  const alive = await fetch(`${bot.base}/healthz`);
  expect(alive.status).toBe(200);
  const ready = await fetch(`${bot.base}/readyz`);
  expect(await ready.json()).toEqual({
    ready: true,
    checks,
    details: { secretsLoadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
  });
  expect(ready.status).toBe(200);
  const metrics = await fetch(`${bot.base}/metrics`);
  expect(metrics.status).toBe(200);
  return metrics.text();
}

describe("SIGTERM with an answer in flight", () => {
  it(
    "Slack (HTTP mode, Redis): the streamed answer lands whole and the process exits 0",
    async () => {
      const { fleet, redis, openai } = e2e;
      const slack: FakeSlack = await startFakeSlack();
      try {
        openai.reset();
        const bot = await fleet.start(slackEnv(slack, openai, redis.url));
        await expectHealthy(bot, { slack: true, redis: true });

        const inFlight = answerSlowly();
        const root = "1700000200.000100";
        await deliverMention(bot, { ts: root, text: "take your time", eventId: "EvSlow1" });
        await inFlight;
        // The fake has not sent a byte of the answer yet: the signal lands with the answer in flight.
        const shownAtSigterm = slack.messagesIn("C1", root).map((message) => message.text);
        const exit = bot.stop("SIGTERM");
        await bot.waitForLog(logged("shutting down: no new messages; letting answers in flight finish"));
        expect(shownAtSigterm).not.toContain(slowAnswer);

        expect(await exit).toBe(0);
        const [answer] = slack.messagesIn("C1", root);
        expect(answer?.text).toBe(slowAnswer);
        expect(answer?.updates.at(-1)).toBe(slowAnswer);
        expect(slack.messagesIn("C1", root)).toHaveLength(1);
        expect(bot.logs.filter(logged("stopped"))).toHaveLength(1);
        // Stopped after the answer finished, not by the deadline backstop.
        expect(bot.logs.filter(logged("shutdown deadline passed; exiting"))).toHaveLength(0);
      } finally {
        await slack.close();
      }
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "Discord (health on its own server): the answer lands whole, a later message is not taken, exit 0",
    async () => {
      const { fleet, openai } = e2e;
      const discord = await FakeDiscord.start();
      try {
        openai.reset();
        const bot = await fleet.start({
          OPENAI_API_KEY: TEST_OPENAI_KEY,
          OPENAI_BASE_URL: openai.url,
          DISCORD_TOKEN: discord.token,
          DISCORD_API_URL: discord.apiUrl,
          DISCORD_EDIT_INTERVAL_MS: "250",
        });
        const metrics = await expectHealthy(bot, { discord: true });
        expect(sample(metrics, "bot_llm_in_flight")).toBe(0);

        const channel = discord.state.channels.general.id;
        const bot_ = discord.state.bot;
        const inFlight = answerSlowly();
        sendUserMessage(discord, { channelId: channel, content: `<@${bot_.id}> take your time` });
        await inFlight;
        const exit = bot.stop("SIGTERM");
        await bot.waitForLog(logged("shutting down: no new messages; letting answers in flight finish"));
        // Arrives after shutdown began: the adapter no longer takes messages.
        const late = sendUserMessage(discord, { channelId: channel, content: `<@${bot_.id}> too late` });

        expect(await exit).toBe(0);
        const answers = discord.state.botMessagesIn(channel);
        expect(answers.map((message) => message.content)).toEqual([slowAnswer]);
        expect(openai.requests).toHaveLength(1);
        expect(
          discord.calls.filter((call) => JSON.stringify(call.body ?? {}).includes(late.id)),
        ).toHaveLength(0);
        expect(bot.logs.filter(logged("stopped"))).toHaveLength(1);
      } finally {
        await discord.close();
      }
    },
    E2E_TIMEOUT_MS,
  );
});
