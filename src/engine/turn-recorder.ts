import type { HistoryStore } from "../conversation/history-store.ts";
import { MESSAGE_OVERHEAD_TOKENS, type TokenCounter } from "../conversation/token-counter.ts";
import type { InboundTurn } from "../conversation/turn.ts";
import type { BudgetNotice } from "../governance/budget-guard.ts";
import type { Governance } from "../governance/governance.ts";
import { translate } from "../i18n/translate.ts";
import type { TokenUsage } from "../llm/types.ts";
import type { Logger } from "../observability/logger.ts";
import { dayOf, keysForAnswer, usageKeys } from "../usage/usage-keys.ts";
import type { UsageStore } from "../usage/usage-store.ts";

/** Something an operator should hear about, posted by the adapters to ADMIN_CHANNEL_ID. */
export interface EngineNotice extends BudgetNotice {
  text: string;
}

export interface AnsweredTurn {
  turn: InboundTurn;
  key: string;
  /** The question as sent upstream (possibly shortened) and its token count. */
  question: string;
  questionTokens: number;
  answer: string;
  /** The answer's own size in tokens when known without counting (never its hidden reasoning). */
  answerTokens?: number | undefined;
  model: string;
  usage: TokenUsage | undefined;
  fromCache: boolean;
  /** For a cache hit: what the original upstream call cost, i.e. what the hit saved. */
  savedUsage?: TokenUsage | undefined;
  /** Which API key the upstream call was made with (none for a cache hit). */
  keyFingerprint?: string | undefined;
  locale: string;
}

/**
 * Writes what an answered turn leaves behind: the history pair, the usage counters and leaderboards,
 * and a budget notice when a threshold is crossed. Only answered turns get here, so a failed turn
 * never leaves half a pair in the history.
 */
export class TurnRecorder {
  private readonly listeners: ((notice: EngineNotice) => void)[] = [];

  constructor(
    private readonly deps: {
      history: HistoryStore;
      usage: UsageStore;
      counter: TokenCounter;
      governance: Governance | undefined;
      logger: Logger;
      now: () => number;
    },
  ) {}

  onNotice(listener: (notice: EngineNotice) => void): void {
    this.listeners.push(listener);
  }

  async record(turn: AnsweredTurn): Promise<void> {
    const { deps } = this;
    await deps.history.append(turn.key, {
      user: turn.question,
      assistant: turn.answer,
      userTokens: turn.questionTokens,
      // The provider's count of the answer is free; counting it again is the engine's largest CPU cost.
      // It is used only when it is the visible answer's size: reasoning tokens would shrink memory.
      assistantTokens:
        turn.answerTokens !== undefined
          ? turn.answerTokens + MESSAGE_OVERHEAD_TOKENS
          : deps.counter.countMessage(turn.answer),
    });
    const now = deps.now();
    const promptTokens = turn.usage?.promptTokens ?? 0;
    const completionTokens = turn.usage?.completionTokens ?? 0;
    const keyFingerprint = turn.fromCache ? undefined : turn.keyFingerprint;
    await deps.usage.add(keysForAnswer(turn.turn, turn.model, now, keyFingerprint), {
      requests: 1,
      promptTokens,
      completionTokens,
      cachedAnswers: turn.fromCache ? 1 : 0,
      savedTokens: turn.fromCache ? savedTokens(turn, deps.counter) : 0,
      costMicros:
        deps.governance?.prices.costMicros(turn.model, {
          promptTokens,
          completionTokens,
          cachedPromptTokens: turn.usage?.cachedPromptTokens,
        }) ?? 0,
    });
    if (turn.fromCache) return;
    const day = dayOf(now);
    const spent = promptTokens + completionTokens;
    await Promise.all([
      deps.usage.rank(
        usageKeys.topUsersDay(turn.turn, day),
        `${turn.turn.userName} (${turn.turn.userId})`,
        spent,
      ),
      deps.usage.rank(usageKeys.topChannelsDay(turn.turn, day), turn.turn.channelId, spent),
      ...(keyFingerprint ? [deps.usage.rank(usageKeys.apiKeysDay(day), keyFingerprint, spent)] : []),
    ]);
    const crossed = await deps.governance?.budget.crossedThreshold(turn.turn);
    if (!crossed) return;
    const text = translate(turn.locale, "budget.warning", {
      percent: crossed.percent,
      used: crossed.usedTokens,
      budget: crossed.budgetTokens,
    });
    deps.logger.warn({ ...crossed }, "workspace token budget threshold reached");
    for (const listener of this.listeners) listener({ ...crossed, text });
  }
}

/** A hit saves what the original call cost; estimated from the texts when that is unknown. */
function savedTokens(turn: AnsweredTurn, counter: TokenCounter): number {
  const original = turn.savedUsage;
  if (original) return original.promptTokens + original.completionTokens;
  return turn.questionTokens + counter.count(turn.answer);
}
