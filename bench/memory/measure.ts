import { fileURLToPath } from "node:url";
import { runInChild } from "../support/child-run.ts";
import type { GoalResult, Section, Table } from "../support/markdown.ts";
import { formatBytes, formatNumber } from "../support/stats.ts";
import { answerSize, type ConversationsResult, questionSize, type SoakResult } from "./runs.ts";
import type { StoreShare } from "./store-breakdown.ts";

export interface MemoryProfile {
  conversations: number;
  /** Messages per conversation (a question and its answer are two), as HISTORY_MAX_MESSAGES counts. */
  turnsPerConversation: number;
  soakConversations: number;
  soakSamples: number;
  /** Conversations advanced at once. */
  inFlight: number;
}

const worker = fileURLToPath(new URL("./worker.ts", import.meta.url));

const shareText = (shares: StoreShare[]) =>
  shares
    .map((share) => `${share.store} ${share.bytes === undefined ? "n/a" : formatBytes(share.bytes)}`)
    .join(", ");

export async function measureMemory(profile: MemoryProfile, log: (line: string) => void): Promise<Section> {
  // Two fresh processes at once: heap figures do not depend on timing.
  const [a, soaked] = await Promise.all([
    runInChild<ConversationsResult>(worker, "heapOfConversations", {
      conversations: profile.conversations,
      turnsPerConversation: profile.turnsPerConversation,
      inFlight: profile.inFlight,
    }),
    runInChild<SoakResult>(worker, "soak", {
      conversations: profile.soakConversations,
      samples: profile.soakSamples,
      inFlight: profile.inFlight,
    }),
  ]);
  log("  memory: both runs done");

  const perTurn = a.bytes / a.texts.messages;
  const rawUtf8 = a.texts.utf8 / a.texts.messages;
  const rawV8 = a.texts.v8 / a.texts.messages;
  const historyShare = a.shares.find((share) => share.store === "history store")?.bytes;
  const heapTable: Table = {
    headers: ["What", "heap", "per stored turn", "raw text per turn (UTF-8 / V8 string)", "heap ÷ raw UTF-8"],
    rows: [
      [
        `whole bot, ${profile.conversations.toLocaleString("en-US")} conversations × ${profile.turnsPerConversation} turns`,
        formatBytes(a.bytes),
        formatBytes(perTurn),
        `${formatBytes(rawUtf8)} / ${formatBytes(rawV8)}`,
        formatNumber(perTurn / rawUtf8, 2),
      ],
      [
        "of which the history store",
        historyShare === undefined ? "n/a" : formatBytes(historyShare),
        historyShare === undefined ? "n/a" : formatBytes(historyShare / a.texts.messages),
        `${formatBytes(rawUtf8)} / ${formatBytes(rawV8)}`,
        historyShare === undefined ? "n/a" : formatNumber(historyShare / a.texts.messages / rawUtf8, 2),
      ],
    ],
  };
  const soakTable: Table = {
    title:
      "Soak: heap above the idle bot after N conversations (defaults: HISTORY_MAX_CONVERSATIONS=10,000, CACHE_MAX_ENTRIES=1,000)",
    headers: ["conversations", "heap"],
    rows: soaked.samples.map((sample) => [
      sample.conversations.toLocaleString("en-US"),
      formatBytes(sample.heapBytes),
    ]),
  };
  const shape = soakShape(soaked.samples, HISTORY_CAP_CONVERSATIONS);
  const known = soaked.shares.filter(
    (share): share is StoreShare & { bytes: number } => share.bytes !== undefined,
  );
  const largestFirst = [...known]
    .sort((x, y) => y.bytes - x.bytes)
    .filter((share) => share.bytes > 1024 * 1024);
  const atCap = formatBytes(shape.atCapBytes);
  const goals: GoalResult[] = [
    {
      goal:
        `heap levels off at the history/cache caps (${HISTORY_CAP_CONVERSATIONS.toLocaleString("en-US")} conversations) ` +
        `in a ${profile.soakConversations.toLocaleString("en-US")}-conversation soak`,
      verdict: shape.flat && shape.finalBytes <= 1.5 * shape.atCapBytes ? "met" : "missed",
      detail: shape.flat
        ? `levels off at ${formatBytes(shape.finalBytes)} after ~${shape.levelAt.toLocaleString("en-US")} conversations ` +
          `(last quarter +${formatNumber(shape.lastQuarterShare * 100, 1)} %), ${formatNumber(shape.finalBytes / shape.atCapBytes, 1)} × the ${atCap} ` +
          `held when the history cap was reached; the plateau is set by ${largestFirst.map((share) => `${share.store} (${formatBytes(share.bytes)})`).join(", ")}`
        : `still growing at ${profile.soakConversations.toLocaleString("en-US")} conversations: ${formatBytes(shape.finalBytes)}, ` +
          `last quarter +${formatNumber(shape.lastQuarterShare * 100, 1)} %, ${formatNumber(shape.finalBytes / shape.atCapBytes, 1)} × the ${atCap} ` +
          `held when the history cap was reached; growing: ${largestFirst.map((share) => `${share.store} (${formatBytes(share.bytes)})`).join(", ")}`,
    },
  ];
  return {
    title: "4. Memory",
    intro: [
      "Heap is `heapUsed` after two full GCs, above the same bot before the run. Engine, stores and window are " +
        "the real ones; the LLM is an in-process stub that streams freshly generated text (HTTP keeps no " +
        `per-conversation state, and the soak needs ${profile.soakConversations.toLocaleString("en-US")} answers). A turn is one stored message, as HISTORY_MAX_MESSAGES counts. ` +
        `Questions are ~${questionSize.englishWords} English words + ${questionSize.chineseCharacters} Chinese characters, answers ~${answerSize.englishWords} words + ${answerSize.chineseCharacters} characters; ` +
        "V8 keeps a string containing any Chinese character at two bytes per character, English included. The first " +
        `${profile.turnsPerConversation / 2 - 1} pairs of each conversation are appended to the history store directly (the engine's append path, token counts estimated), the last question goes ` +
        "through the engine. Each run is a fresh process; the share of each store is the heap freed by emptying it (in table order).",
    ],
    tables: [heapTable, soakTable],
    goals,
    notes: [
      `Stores after ${profile.conversations.toLocaleString("en-US")} conversations: ${shareText(a.shares)}.`,
      `Soak: one first-turn question per conversation (~12 English words + 15 Chinese characters asked, ~60 English words answered), 5,000 users in 200 channels. ` +
        `At the end the history held ${soaked.historySize.toLocaleString("en-US")} conversations; stores: ${shareText(soaked.shares)}. ` +
        "The usage store keeps a counter per conversation (`conv:…`) besides the per-user/channel/day ones, in an LRU " +
        "capped at 200,000 entries, so it grows with the number of conversations until that cap. gpt-tokenizer keeps a " +
        "module-wide merge cache of up to 100,000 text chunks; a chunk of 13 or more characters (a run of Chinese " +
        "characters, for one) can be a V8 slice that keeps its whole message alive, so that cache also holds text " +
        "the history has already forgotten.",
    ],
  };
}

/** The default HISTORY_MAX_CONVERSATIONS, which the soak runs with. */
const HISTORY_CAP_CONVERSATIONS = 10_000;

/**
 * Levelling off: the last quarter of the soak added under 5 % of the final heap. `levelAt` is the
 * first sample from which the rest of the soak adds under 5 %; `atCapBytes` the heap at the first
 * sample at or past the history cap.
 */
function soakShape(samples: { conversations: number; heapBytes: number }[], cap: number) {
  const last = samples[samples.length - 1] ?? { conversations: 0, heapBytes: 0 };
  const finalBytes = last.heapBytes;
  const quarter = samples.find((sample) => sample.conversations >= last.conversations * 0.75) ?? last;
  const lastQuarterShare = finalBytes > 0 ? (finalBytes - quarter.heapBytes) / finalBytes : 0;
  const levelAt =
    samples.find((sample) => finalBytes - sample.heapBytes < 0.05 * finalBytes)?.conversations ?? 0;
  const atCapBytes = samples.find((sample) => sample.conversations >= cap)?.heapBytes ?? finalBytes;
  return { flat: lastQuarterShare < 0.05, finalBytes, lastQuarterShare, levelAt, atCapBytes };
}
