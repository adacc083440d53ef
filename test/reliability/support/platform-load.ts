import type { ApiMessage } from "../../fakes/discord/payloads.ts";
import { lastUserMessage } from "../../fakes/openai-server.ts";
import type { FakeMessage } from "../../fakes/slack/web-api.ts";
import type { DiscordSide, ReliabilityBot, SlackSide } from "./bot.ts";
import { askDiscord } from "./discord-user.ts";
import { askSlack } from "./slack-user.ts";

export interface PlatformLoadResult {
  turns: number;
  answered: number;
  /** Turns whose answer never showed (within the wait). */
  lost: number;
  /** Questions answered or sent upstream more than once. */
  duplicated: number;
  /** Turns whose upstream request did not carry exactly the conversation's earlier turns. */
  historyMismatches: number;
}

const WAIT_MS = 30_000;

/**
 * The bot's replies by the question they answer, indexed as the fake stores them: a waiter looks its
 * reply up instead of scanning every message after every call.
 */
class DiscordReplies {
  private readonly byQuestion = new Map<string, string[]>();

  constructor(private readonly discord: DiscordSide) {
    const { state } = discord.fake;
    const store = state.store.bind(state);
    state.store = (message, extra) => {
      const stored = store(message, extra);
      const question = message.message_reference?.message_id;
      if (question && message.author.id === state.bot.id) {
        this.byQuestion.set(question, [...(this.byQuestion.get(question) ?? []), message.id]);
      }
      return stored;
    };
  }

  count(questionId: string): number {
    return this.byQuestion.get(questionId)?.length ?? 0;
  }

  /** Resolves with the reply once it shows `text` (its final edit landed). */
  finalReply(question: ApiMessage, text: string): Promise<ApiMessage> {
    const { fake } = this.discord;
    return fake.waitFor(
      `the answer to ${question.id}`,
      () => {
        const [id] = this.byQuestion.get(question.id) ?? [];
        const message = id ? fake.state.messages.get(id)?.message : undefined;
        return message?.content === text ? message : undefined;
      },
      WAIT_MS,
    );
  }
}

/** Slack messages by thread, indexed once as they are posted (nothing is deleted in this run). */
class SlackThreads {
  private cursor = 0;
  private readonly byThread = new Map<string, FakeMessage[]>();

  constructor(private readonly slack: SlackSide) {}

  messages(channel: string, threadTs: string): FakeMessage[] {
    const all = this.slack.fake.messages;
    for (; this.cursor < all.length; this.cursor++) {
      const message = all[this.cursor];
      if (!message) continue;
      const key = `${message.channel}/${message.threadTs}`;
      this.byThread.set(key, [...(this.byThread.get(key) ?? []), message]);
    }
    return this.byThread.get(`${channel}/${threadTs}`) ?? [];
  }
}

/** What the request for question `index` of `asked` must carry: the earlier turns, then the question. */
function expectedCarried(asked: string[], index: number): string[] {
  return asked
    .slice(0, index + 1)
    .flatMap((earlier, i) => (i < index ? [earlier, `Echo: ${earlier}`] : [earlier]));
}

/**
 * People on Discord and on Slack, all at the same time, each asking `turns` questions in one
 * conversation and waiting for each answer before asking the next. The answers come from the fake
 * OpenAI server with whatever latency it was given.
 */
export async function runPlatformLoad(
  bot: ReliabilityBot,
  conversations: { discord: number; slack: number },
  turns: number,
): Promise<PlatformLoadResult> {
  const result: PlatformLoadResult = {
    turns: (conversations.discord + conversations.slack) * turns,
    answered: 0,
    lost: 0,
    duplicated: 0,
    historyMismatches: 0,
  };
  const replies = new DiscordReplies(bot.discord);
  const threads = new SlackThreads(bot.slack);
  const conversationsAsked: string[][] = [];
  const discordQuestions: ApiMessage[] = [];
  const slackThreads: { channel: string; threadTs: string }[] = [];
  const { general, random } = bot.discord.fake.state.channels;

  const onDiscord = async (id: number) => {
    const asked: string[] = [];
    conversationsAsked.push(asked);
    const channelId = id % 2 === 0 ? general.id : random.id;
    let previous: ApiMessage | undefined;
    for (let turn = 1; turn <= turns; turn++) {
      const text = `discord ${id} turn ${turn}`;
      asked.push(text);
      // The first question mentions the bot; each next one replies to its last answer.
      const question = askDiscord(
        bot.discord,
        text,
        previous ? { channelId, replyTo: previous } : { channelId },
      );
      discordQuestions.push(question);
      try {
        previous = await replies.finalReply(question, `Echo: ${text}`);
        result.answered += 1;
      } catch {
        result.lost += turns - turn + 1;
        return;
      }
    }
  };

  const onSlack = async (id: number) => {
    const asked: string[] = [];
    conversationsAsked.push(asked);
    const channel = `CL${id}`;
    let threadTs: string | undefined;
    for (let turn = 1; turn <= turns; turn++) {
      const text = `slack ${id} turn ${turn}`;
      asked.push(text);
      const place = await askSlack(bot.slack, text, {
        channel,
        user: `U${id % 5}`,
        ...(threadTs ? { threadTs } : {}),
      });
      if (!threadTs) slackThreads.push(place);
      threadTs = place.threadTs;
      try {
        await bot.slack.fake.waitFor(
          () => threads.messages(channel, place.threadTs)[turn - 1]?.text === `Echo: ${text}`,
          `the answer to ${text}`,
          WAIT_MS,
        );
        result.answered += 1;
      } catch {
        result.lost += turns - turn + 1;
        return;
      }
    }
  };

  await Promise.all([
    ...Array.from({ length: conversations.discord }, (_, id) => onDiscord(id)),
    ...Array.from({ length: conversations.slack }, (_, id) => onSlack(id)),
  ]);
  await bot.discord.adapter.idle();

  for (const question of discordQuestions) if (replies.count(question.id) > 1) result.duplicated += 1;
  for (const place of slackThreads) {
    result.duplicated += Math.max(0, threads.messages(place.channel, place.threadTs).length - turns);
  }
  for (const asked of conversationsAsked) {
    for (const [index, text] of asked.entries()) {
      const requests = bot.core.fakeOpenAI.requests.filter((request) => lastUserMessage(request) === text);
      if (requests.length > 1) result.duplicated += 1;
      const carried = (requests[0]?.body.messages ?? [])
        .filter((m) => m.role !== "system")
        .map((m) => m.content);
      if (JSON.stringify(carried) !== JSON.stringify(expectedCarried(asked, index)))
        result.historyMismatches += 1;
    }
  }
  return result;
}
