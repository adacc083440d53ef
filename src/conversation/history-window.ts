import type { ChatMessage } from "../llm/types.ts";
import type { HistoryPair } from "./history-store.ts";
import { MESSAGE_OVERHEAD_TOKENS, type TokenCounter } from "./token-counter.ts";

export interface WindowLimits {
  /** Bound of the whole exchange: system prompt, history, question and the reserved answer. */
  maxTokens: number;
  /** History messages (two per pair) allowed besides the system prompt and the question. */
  maxMessages: number;
  /** Tokens reserved for the answer (MAX_TOKENS). */
  answerTokens: number;
  /** The model's context size; the prompt plus the reserve never exceed it. */
  contextTokens: number;
}

export interface BuiltWindow {
  messages: ChatMessage[];
  promptTokens: number;
  /** The question as sent, possibly shortened. */
  question: string;
  questionTokens: number;
  questionTruncated: boolean;
  pairsUsed: number;
}

/** Whole question-and-answer pairs in a window of `maxMessages` history messages (two per pair). */
export function pairsForMessages(maxMessages: number): number {
  return Math.floor(maxMessages / 2);
}

/**
 * Builds what is sent upstream: the system prompt first, then the newest whole pairs that fit, then
 * the question. Pairs are never split: half an exchange confuses models more than a missing one.
 */
export class HistoryWindow {
  constructor(
    private readonly counter: TokenCounter,
    private readonly limits: WindowLimits,
  ) {}

  /** How many pairs to read from the store at most. */
  get maxPairs(): number {
    return pairsForMessages(this.limits.maxMessages);
  }

  build(
    systemPrompt: string,
    history: readonly HistoryPair[],
    question: string,
    truncationMarker: string,
  ): BuiltWindow {
    const budget = Math.min(this.limits.maxTokens, this.limits.contextTokens) - this.limits.answerTokens;
    // Layered prompts are set by operators and admins and can outgrow the window; they may take
    // half of it at most, so that a question always fits.
    const systemRoom = Math.floor(budget / 2) - MESSAGE_OVERHEAD_TOKENS;
    let sentSystemPrompt = systemPrompt;
    let systemTokens = this.counter.countMessage(systemPrompt);
    const systemTruncated = systemTokens - MESSAGE_OVERHEAD_TOKENS > systemRoom;
    if (systemTruncated) {
      sentSystemPrompt = this.counter.truncate(systemPrompt, systemRoom);
      systemTokens = this.counter.countMessage(sentSystemPrompt);
    }

    let sentQuestion = question;
    let questionTokens = this.counter.countMessage(question);
    let questionTruncated = false;
    const room = budget - systemTokens;
    if (questionTokens > room) {
      const marker = `\n${truncationMarker}`;
      let keep = Math.max(0, room - this.counter.countMessage(marker));
      // Text and marker can merge into other tokens at the seam: shrink until the sum really fits.
      do {
        sentQuestion = this.counter.truncate(question, keep) + marker;
        questionTokens = this.counter.countMessage(sentQuestion);
        keep -= Math.max(1, questionTokens - room);
      } while (questionTokens > room && keep > 0);
      questionTruncated = true;
    }

    let used = systemTokens + questionTokens;
    const chosen: HistoryPair[] = [];
    for (let i = history.length - 1; i >= 0 && chosen.length < this.maxPairs; i--) {
      const pair = history[i] as HistoryPair;
      const cost = pair.userTokens + pair.assistantTokens;
      if (used + cost > budget) break;
      used += cost;
      chosen.unshift(pair);
    }

    const messages: ChatMessage[] = [{ role: "system", content: sentSystemPrompt }];
    for (const pair of chosen) {
      messages.push({ role: "user", content: pair.user }, { role: "assistant", content: pair.assistant });
    }
    messages.push({ role: "user", content: sentQuestion });
    return {
      messages,
      promptTokens: used,
      question: sentQuestion,
      questionTokens,
      questionTruncated,
      pairsUsed: chosen.length,
    };
  }
}
