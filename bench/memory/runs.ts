import type { MemoryHistoryStore } from "../../src/conversation/history-store.ts";
import { conversationKey } from "../../src/conversation/turn.ts";
import type { BotServices } from "../../src/services.ts";
import { askTimed, benchTurn, createBenchBot } from "../support/bot.ts";
import { seededRandom } from "../support/random.ts";
import { englishText, mixedText, utf8Bytes } from "../support/text.ts";
import { settledHeapBytes } from "./heap.ts";
import { heapByStore, type StoreShare } from "./store-breakdown.ts";
import { StubLlm } from "./stub-llm.ts";

export const questionSize = { englishWords: 12, chineseCharacters: 15 };
export const answerSize = { englishWords: 60, chineseCharacters: 80 };
/** Never contacted: the stub LLM answers in-process. */
const unusedUrl = "http://127.0.0.1:9/v1";

/** V8 keeps a string one byte per character unless it holds a character above U+00FF. */
const v8StringBytes = (text: string) =>
  ([...text].some((char) => char.charCodeAt(0) > 0xff) ? 2 : 1) * text.length;

export interface TextTally {
  messages: number;
  utf8: number;
  v8: number;
}

function tally(into: TextTally, ...texts: string[]): void {
  for (const text of texts) {
    into.messages++;
    into.utf8 += utf8Bytes(text);
    into.v8 += v8StringBytes(text);
  }
}

/** Runs `count` questions through the engine, `inFlight` at a time. */
async function askMany(
  bot: BotServices,
  count: number,
  inFlight: number,
  turnFor: (index: number) => ReturnType<typeof benchTurn>,
  onAnswered: (index: number, question: string, answer: string) => Promise<void> | void,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let index = next++; index < count; index = next++) {
        const turn = turnFor(index);
        const outcome = await askTimed(bot.engine, turn);
        if (outcome.result.failure)
          throw new Error(`memory bench answer failed: ${outcome.result.failure.code}`);
        await onAnswered(index, turn.text, outcome.result.text);
      }
    }),
  );
}

export interface ConversationsArgs {
  conversations: number;
  turnsPerConversation: number;
  inFlight: number;
}

export interface ConversationsResult {
  bytes: number;
  texts: TextTally;
  shares: StoreShare[];
}

/**
 * N conversations of T turns. The first T/2 − 1 pairs of each go straight into the history store (the
 * engine's append path, same pair shape); the last question goes through the engine, which adds the
 * per-conversation counters and cache entry: the state T/2 asks leave behind.
 */
export async function heapOfConversations(args: ConversationsArgs): Promise<ConversationsResult> {
  const pairs = args.turnsPerConversation / 2;
  const bot = createBenchBot(
    unusedUrl,
    { HISTORY_MAX_MESSAGES: String(args.turnsPerConversation) },
    { llm: new StubLlm(seededRandom(1), answerSize) },
  );
  const random = seededRandom(2);
  const texts: TextTally = { messages: 0, utf8: 0, v8: 0 };
  const question = (conversation: number, pair: number) =>
    `${conversation}/${pair}: ${mixedText(random, questionSize.englishWords, questionSize.chineseCharacters)}`;
  const turnFor = (conversation: number) =>
    benchTurn({
      threadId: `mem-${conversation}`,
      userId: `U${conversation % 500}`,
      text: question(conversation, pairs),
    });
  const before = await settledHeapBytes();
  for (let conversation = 0; conversation < args.conversations; conversation++) {
    const key = conversationKey(turnFor(conversation));
    for (let pair = 0; pair < pairs - 1; pair++) {
      const user = question(conversation, pair);
      const assistant = mixedText(random, answerSize.englishWords, answerSize.chineseCharacters);
      tally(texts, user, assistant);
      // Estimated counts: tokenizing 90,000 bilingual pairs would take a minute and store the same numbers.
      await bot.stores.history.append(key, {
        user,
        assistant,
        userTokens: Math.ceil(user.length / 2),
        assistantTokens: Math.ceil(assistant.length / 2),
      });
    }
  }
  await askMany(bot, args.conversations, args.inFlight, turnFor, (_index, asked, answer) =>
    tally(texts, asked, answer),
  );
  const bytes = (await settledHeapBytes()) - before;
  const stored = (bot.stores.history as MemoryHistoryStore).size;
  if (stored !== args.conversations)
    throw new Error(`history kept ${stored} of ${args.conversations} conversations`);
  return { bytes, texts, shares: await heapByStore(bot.stores) };
}

export interface SoakArgs {
  conversations: number;
  samples: number;
  inFlight: number;
}

export interface SoakResult {
  samples: { conversations: number; heapBytes: number }[];
  historySize: number;
  shares: StoreShare[];
}

/**
 * One first-turn question per conversation by one of 5,000 users in 200 channels, in batches with the
 * heap weighed between them: the stub answers on microtasks alone, so a sample taken while asks are
 * in flight would only run once every ask had finished.
 */
export async function soak(args: SoakArgs): Promise<SoakResult> {
  const random = seededRandom(4);
  const bot = createBenchBot(
    unusedUrl,
    {},
    { llm: new StubLlm(random, { englishWords: 60, chineseCharacters: 0 }) },
  );
  const base = await settledHeapBytes();
  const batch = Math.max(1, Math.floor(args.conversations / args.samples));
  const samples: SoakResult["samples"] = [{ conversations: 0, heapBytes: 0 }];
  for (let done = 0; done < args.conversations; ) {
    const size = Math.min(batch, args.conversations - done);
    const offset = done;
    await askMany(
      bot,
      size,
      args.inFlight,
      (index) =>
        benchTurn({
          threadId: `soak-${offset + index}`,
          userId: `U${Math.floor(random() * 5000)}`,
          channelId: `C${(offset + index) % 200}`,
          text: `${offset + index}: ${englishText(random, questionSize.englishWords)} ${mixedText(random, 0, questionSize.chineseCharacters)}`,
        }),
      () => {},
    );
    done += size;
    samples.push({ conversations: done, heapBytes: (await settledHeapBytes()) - base });
  }
  const historySize = (bot.stores.history as MemoryHistoryStore).size;
  return { samples, historySize, shares: await heapByStore(bot.stores) };
}
