import { describe, expect, it } from "vitest";
import {
  answerLands,
  conversationSent,
  deliverMention,
  E2E_TIMEOUT_MS,
  firstToLog,
  logged,
  shareE2EFakes,
  slackEnv,
} from "./e2e-support.ts";

// Two `app/main.ts` processes in Slack HTTP mode, each on its own PORT, sharing one redis-server and
// one fake Slack, as two replicas behind a load balancer would.

const e2e = shareE2EFakes({ slack: true });

const duplicate = logged("slack event already handled; ignoring the retry");
const question = logged("slack question");
const countOf = (bot: { logs: Record<string, unknown>[] }, match: (e: Record<string, unknown>) => boolean) =>
  bot.logs.filter(match).length;

describe("two replicas on one Redis", () => {
  it(
    "answer a doubly delivered event once, continue a thread on the other replica, and keep history over a restart",
    async () => {
      const { fleet, redis, slack, openai } = e2e;
      const env = slackEnv(slack, openai, redis.url);
      const [a, b] = await Promise.all([fleet.start(env), fleet.start(env)]);
      if (!a || !b) throw new Error("replicas did not start");
      const root = "1700000100.000100";

      // One event, delivered to both replicas (a Slack retry landing on the other one).
      await Promise.all(
        [a, b].map((bot) =>
          deliverMention(bot, { ts: root, text: "what is a replica?", eventId: "EvTwice1" }),
        ),
      );
      await answerLands(slack, root, "Echo: what is a replica?");
      const loser = await firstToLog([a, b], duplicate);
      const winner = loser === a ? b : a;
      expect(countOf(winner, question)).toBe(1);
      expect(countOf(loser, question)).toBe(0);
      expect(countOf(winner, duplicate)).toBe(0);
      expect(openai.requests).toHaveLength(1);
      expect(slack.callsTo("chat.postMessage").filter((call) => call.params.thread_ts === root)).toHaveLength(
        1,
      );

      // The thread's next message reaches the replica that did not answer the first: Redis has the history.
      await deliverMention(loser, {
        ts: "1700000100.000200",
        threadTs: root,
        text: "and how many can run?",
        eventId: "EvFollowUp1",
      });
      await answerLands(slack, root, "Echo: and how many can run?");
      expect(countOf(loser, question)).toBe(1);
      expect(conversationSent(openai.requests[1])).toEqual([
        "user: what is a replica?",
        "assistant: Echo: what is a replica?",
        "user: and how many can run?",
      ]);

      // Both stop (no process keeps a local copy); a fresh one takes the next message of the thread.
      expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
      const c = await fleet.start(env);
      await deliverMention(c, {
        ts: "1700000100.000300",
        threadTs: root,
        text: "and after a restart?",
        eventId: "EvAfterRestart1",
      });
      await answerLands(slack, root, "Echo: and after a restart?");
      expect(conversationSent(openai.requests[2])).toEqual([
        "user: what is a replica?",
        "assistant: Echo: what is a replica?",
        "user: and how many can run?",
        "assistant: Echo: and how many can run?",
        "user: and after a restart?",
      ]);
      expect(openai.requests).toHaveLength(3);
      expect(slack.messagesIn("C1", root)).toHaveLength(3);
      expect(await c.stop()).toBe(0);
    },
    E2E_TIMEOUT_MS,
  );
});
