import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderAnswerParts } from "../../adapters/slack/render-parts.ts";
import { echoResponder, lastUserMessage, type RequestInfo } from "../fakes/openai-server.ts";
import { type ReliabilityBot, startReliabilityBot } from "./support/bot.ts";
import { askDiscord, contentHistory, discordAnswer, EDIT, repliesSent } from "./support/discord-user.ts";
import { type LlmFault, llmFaults } from "./support/llm-faults.ts";
import { counterChanges, sampleKey, snapshot } from "./support/metrics.ts";
import { askSlack, slackAnswer, threadMessages } from "./support/slack-user.ts";

/** LLM_TIMEOUT_MS as the suite sets it: long enough that a busy machine never trips it by accident. */
let patient: ReliabilityBot;
/** LLM_TIMEOUT_MS=600, for the faults about timeouts: stalls are abandoned quickly. */
let tight: ReliabilityBot;
beforeAll(async () => {
  [patient, tight] = await Promise.all([
    startReliabilityBot(),
    startReliabilityBot({ env: { LLM_TIMEOUT_MS: "600" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([patient?.close(), tight?.close()]);
});
beforeEach(() => {
  patient.core.fakeOpenAI.reset();
  tight.core.fakeOpenAI.reset();
});

let questions = 0;

/** Scripts the fake model: the faulted question gets `fault.attempts` in order, anything else the echo. */
function script(bot: ReliabilityBot, fault: LlmFault): string {
  questions += 1;
  const question = `Question ${questions} about ${fault.name}?`;
  let attempt = 0;
  bot.core.fakeOpenAI.setResponder((request) => {
    if (lastUserMessage(request) !== question) return echoResponder(request);
    const response = fault.attempts[attempt];
    attempt += 1;
    if (!response) throw new Error(`attempt ${attempt} of "${fault.name}" was not scripted`);
    return response;
  });
  return question;
}

/** The counters one faulted answer on `platform` must move, and by how much. */
function expectedCounters(fault: LlmFault, platform: "discord" | "slack"): Record<string, number> {
  const attempts = Object.values(fault.outcomes).reduce((sum, count) => sum + count, 0);
  const expected: Record<string, number> = {
    [sampleKey("bot_messages_total", { kind: "channel", platform })]: 1,
    [sampleKey("bot_answers_total", { cache: "bypass", result: fault.result })]: 1,
    [sampleKey("bot_answer_duration_seconds_count", { platform, result: fault.result })]: 1,
  };
  for (const [outcome, count] of Object.entries(fault.outcomes)) {
    expected[sampleKey("bot_llm_requests_total", { outcome })] = count;
  }
  if (attempts > 1) expected[sampleKey("bot_llm_retries_total")] = attempts - 1;
  const rateLimited = fault.outcomes.rate_limited ?? 0;
  if (rateLimited > 0) expected[sampleKey("bot_llm_rate_limited_total")] = rateLimited;
  return expected;
}

/** User and assistant turns the model received in `request`, oldest first. */
function conversation(request: RequestInfo | undefined): string[] {
  return (request?.body.messages ?? []).filter((m) => m.role !== "system").map((m) => m.content);
}

/** What the follow-up's request must carry before the follow-up itself. */
function remembered(fault: LlmFault, question: string): string[] {
  if (fault.remembered === "nothing") return [];
  // An interrupted answer is remembered with its note, never as if it were complete.
  return [question, fault.finalText];
}

async function onDiscord(fault: LlmFault, bot = patient): Promise<void> {
  const { discord, core } = bot;
  const question = script(bot, fault);
  const before = await snapshot(bot.metrics);

  const asked = askDiscord(discord, question);
  const shown = await discordAnswer(discord, asked);

  // One message answers it: posted once (a reply to the question), edited at most once, to the final text.
  expect(shown.map((message) => message.content)).toEqual([fault.finalText]);
  expect(shown[0]?.message_reference?.message_id).toBe(asked.id);
  expect(repliesSent(discord.fake, asked).map((call) => call.status)).toEqual([200]);
  expect(contentHistory(discord.fake, asked)[0]?.length).toBeLessThanOrEqual(2);
  expect(core.fakeOpenAI.requests).toHaveLength(fault.attempts.length);
  expect(counterChanges(before, await snapshot(bot.metrics))).toEqual(expectedCounters(fault, "discord"));

  // A reply to the answer continues the conversation: the model sees exactly what the user saw.
  const followUp = askDiscord(discord, "And a follow-up?", { replyTo: shown[0] });
  await discordAnswer(discord, followUp);
  expect(conversation(core.fakeOpenAI.requests.at(-1))).toEqual([
    ...remembered(fault, question),
    "And a follow-up?",
  ]);
  expect(discord.fake.callsTo("PATCH", EDIT).every((call) => call.status === 200)).toBe(true);
  expect(bot.guard.problems).toEqual([]);
}

async function onSlack(fault: LlmFault, bot = patient): Promise<void> {
  const { slack, core } = bot;
  const question = script(bot, fault);
  const before = await snapshot(bot.metrics);

  const place = await askSlack(slack, question);
  const shown = await slackAnswer(slack, place);

  // One message: the placeholder updated once to the final text, or the final text posted directly.
  expect(shown.map((message) => message.text)).toEqual(renderAnswerParts(fault.finalText));
  expect(shown[0]?.updates.length).toBeLessThanOrEqual(1);
  expect(core.fakeOpenAI.requests).toHaveLength(fault.attempts.length);
  expect(counterChanges(before, await snapshot(bot.metrics))).toEqual(expectedCounters(fault, "slack"));

  await askSlack(slack, "And a follow-up?", { threadTs: place.threadTs });
  await slackAnswer(
    slack,
    place,
    (messages) =>
      messages.length === 2 && messages[1]?.text === renderAnswerParts("Echo: And a follow-up?")[0],
  );
  expect(conversation(core.fakeOpenAI.requests.at(-1))).toEqual([
    ...remembered(fault, question),
    "And a follow-up?",
  ]);
  expect(threadMessages(slack, place)).toHaveLength(2);
  expect(bot.guard.problems).toEqual([]);
}

describe("LLM faults through each adapter: one final reply, clean history, counted", () => {
  it("429 with retry-after, via a Discord mention", () => onDiscord(llmFaults.rateLimitedWithHint));
  it("429 with retry-after, via a Slack mention", () => onSlack(llmFaults.rateLimitedWithHint));
  it("429 without retry-after, via a Discord mention", () => onDiscord(llmFaults.rateLimitedWithoutHint));
  it("429 without retry-after, via a Slack mention", () => onSlack(llmFaults.rateLimitedWithoutHint));
  it("429 insufficient_quota, via a Discord mention", () => onDiscord(llmFaults.quotaExhausted));
  it("429 insufficient_quota, via a Slack mention", () => onSlack(llmFaults.quotaExhausted));
  it("401, via a Discord mention", () => onDiscord(llmFaults.unauthorized));
  it("401, via a Slack mention", () => onSlack(llmFaults.unauthorized));
  it("400 context too long, via a Discord mention", () => onDiscord(llmFaults.contextTooLong));
  it("400 context too long, via a Slack mention", () => onSlack(llmFaults.contextTooLong));
  it("500 then recovered, via a Discord mention", () => onDiscord(llmFaults.serverError));
  it("500 then recovered, via a Slack mention", () => onSlack(llmFaults.serverError));
  it("503 streak, via a Discord mention", () => onDiscord(llmFaults.unavailableStreak));
  it("503 streak, via a Slack mention", () => onSlack(llmFaults.unavailableStreak));
  it("no headers once, via a Discord mention", () => onDiscord(llmFaults.noHeadersOnce, tight));
  it("no headers once, via a Slack mention", () => onSlack(llmFaults.noHeadersOnce, tight));
  it("no headers ever, via a Discord mention", () => onDiscord(llmFaults.noHeadersEver, tight));
  it("no headers ever, via a Slack mention", () => onSlack(llmFaults.noHeadersEver, tight));
  it("stall mid-stream, via a Discord mention", () => onDiscord(llmFaults.stallMidStream, tight));
  it("stall mid-stream, via a Slack mention", () => onSlack(llmFaults.stallMidStream, tight));
  it("stream cut mid-way, via a Discord mention", () => onDiscord(llmFaults.cutMidStream));
  it("stream cut mid-way, via a Slack mention", () => onSlack(llmFaults.cutMidStream));
  it("malformed JSON, via a Discord mention", () => onDiscord(llmFaults.malformedJson));
  it("malformed JSON, via a Slack mention", () => onSlack(llmFaults.malformedJson));
  it("wrong content-type, via a Discord mention", () => onDiscord(llmFaults.wrongContentType));
  it("wrong content-type, via a Slack mention", () => onSlack(llmFaults.wrongContentType));
  it("slow steady stream, via a Discord mention", () => onDiscord(llmFaults.slowSteadyStream, tight));
  it("slow steady stream, via a Slack mention", () => onSlack(llmFaults.slowSteadyStream, tight));

  it("leaks no secret into logs, prompts or messages", () => {
    expect([...patient.leaks(), ...tight.leaks()]).toEqual([]);
  });
});
