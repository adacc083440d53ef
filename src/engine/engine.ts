import { type AnswerCache, type CachedAnswer, isCacheable } from "../cache/answer-cache.ts";
import { answerCacheKey, scopeOf } from "../cache/cache-key.ts";
import type { HistoryStore } from "../conversation/history-store.ts";
import type { HistoryWindow } from "../conversation/history-window.ts";
import { resolveSettings } from "../conversation/settings-resolution.ts";
import type { SettingsStore } from "../conversation/settings-store.ts";
import type { TokenCounter } from "../conversation/token-counter.ts";
import { conversationKey, type InboundTurn, workspaceKey } from "../conversation/turn.ts";
import type { Governance } from "../governance/governance.ts";
import { resolveLocale, translate } from "../i18n/translate.ts";
import { LlmError, StreamAbortedError } from "../llm/errors.ts";
import type { ChatRequest, LlmClient } from "../llm/types.ts";
import type { Logger } from "../observability/logger.ts";
import { SecretStreamScrubber, scrubSecrets, uniqueLongestFirst } from "../observability/secret-scrubber.ts";
import type { UsageStore } from "../usage/usage-store.ts";
import { readAnswer, type StreamItem } from "./answer-reader.ts";
import { AsyncQueue } from "./async-queue.ts";
import { runCommand } from "./commands.ts";
import type {
  EngineCommand,
  EngineEvent,
  EngineResult,
  FailureAudience,
  UserFacingErrorCode,
} from "./events.ts";
import { KeyedSerialQueue } from "./keyed-serial-queue.ts";
import { type EngineNotice, TurnRecorder } from "./turn-recorder.ts";

export type { EngineNotice };

import type { AskOptions, CommandOptions, ConversationEngine, EngineDefaults } from "./types.ts";

export type { EngineDefaults };

/** Hooks for metrics; every method optional so tests and the console need none. */
export interface EngineObserver {
  answered?(outcome: {
    cache: "hit" | "miss" | "coalesced" | "bypass";
    /** A failed turn's code; "abandoned" when the adapter stopped reading (nobody could see the answer). */
    failure?: UserFacingErrorCode | "abandoned";
  }): void;
}

export interface EngineDependencies {
  llm: LlmClient;
  history: HistoryStore;
  /** Undefined turns the answer cache off. */
  cache: AnswerCache | undefined;
  settings: SettingsStore;
  usage: UsageStore;
  counter: TokenCounter;
  window: HistoryWindow;
  defaults: EngineDefaults;
  logger: Logger;
  now?: () => number;
  observer?: EngineObserver;
  /** Access, rate and budget rules; everyone is served without limits when absent. */
  governance?: Governance;
  /** Configured secrets, never shown to a user even if the model or a cached answer repeats one. */
  secrets?: readonly string[];
}

export class Engine implements ConversationEngine {
  private readonly order = new KeyedSerialQueue();
  private readonly now: () => number;
  private readonly recorder: TurnRecorder;
  private readonly secrets: readonly string[];

  constructor(private readonly deps: EngineDependencies) {
    this.now = deps.now ?? Date.now;
    this.secrets = uniqueLongestFirst(deps.secrets ?? []);
    this.recorder = new TurnRecorder({ ...deps, governance: deps.governance, now: this.now });
  }

  async *ask(turn: InboundTurn, options: AskOptions = {}): AsyncGenerator<EngineEvent> {
    const key = conversationKey(turn);
    const release = await this.order.acquire(key);
    let finished = false;
    try {
      for await (const event of this.answer(turn, key, options)) {
        if (event.type === "final") finished = true;
        yield event;
      }
    } catch (error) {
      // A store (Redis) failing must not break the promise of exactly one final result.
      this.deps.logger.error({ err: errorText(error), conversation: key }, "engine failed to answer");
      if (!finished) {
        finished = true;
        this.deps.observer?.answered?.({ cache: "bypass", failure: "internal" });
        yield failure(this.localeOf(turn), "internal");
      }
    } finally {
      // The adapter stopped reading (the platform refused the answer): count it, it was not answered.
      if (!finished) this.deps.observer?.answered?.({ cache: "bypass", failure: "abandoned" });
      release();
    }
  }

  command(command: EngineCommand, turn: InboundTurn, options: CommandOptions = {}): Promise<EngineResult> {
    return runCommand(command, turn, options, {
      history: this.deps.history,
      usage: this.deps.usage,
      settings: this.deps.settings,
      defaults: this.deps.defaults,
      order: this.order,
      governance: this.deps.governance,
      now: this.now,
    });
  }

  localeOf(turn: Pick<InboundTurn, "locale">): string {
    return resolveLocale(turn.locale, this.deps.defaults.locale);
  }

  /** Budget warnings and similar notices for operators. */
  onNotice(listener: (notice: EngineNotice) => void): void {
    this.recorder.onNotice(listener);
  }

  private async *answer(turn: InboundTurn, key: string, options: AskOptions): AsyncGenerator<EngineEvent> {
    const { deps } = this;
    const locale = this.localeOf(turn);
    const question = turn.text.trim();
    // Zero-width characters alone are no question; they stay in a real one, as written.
    const blank = question.replace(/[\u200B-\u200D\u2060\uFEFF]/g, "").trim() === "";
    // Access first: a refused channel must not even learn that an empty mention reached the bot.
    // Rate and budget limits count only real questions, so they come after the empty check.
    const refusal =
      deps.governance?.checkAccess(turn) ?? (question ? await deps.governance?.checkLimits(turn) : undefined);
    if (refusal) {
      deps.logger.info(
        { code: refusal.code, user: turn.userId, channel: turn.channelId },
        "question refused",
      );
      yield failure(locale, refusal.code, refusal.params, refusal.silent ? "nobody" : "asker");
      return;
    }
    // Files are not read yet: a question is answered with a note saying so, a bare file gets the note.
    const attachmentNote =
      (turn.attachments?.length ?? 0) > 0 ? translate(locale, "note.unsupported_attachment") : undefined;
    if (blank && attachmentNote) {
      deps.logger.info({ user: turn.userId, channel: turn.channelId }, "attachments without a question");
      yield {
        type: "final",
        result: { text: attachmentNote, usage: undefined, cached: false, finishReason: "stop", locale },
      };
      return;
    }
    if (blank) {
      yield failure(locale, "empty_question");
      return;
    }
    const settings = await resolveSettings(deps.settings, deps.defaults, turn);
    const history = await deps.history.read(key, deps.window.maxPairs);
    const window = deps.window.build(
      settings.systemPrompt,
      history,
      question,
      translate(locale, "note.truncated_question"),
    );
    const request: ChatRequest = {
      model: settings.model,
      messages: window.messages,
      maxTokens: deps.defaults.maxTokens,
      promptTokens: window.promptTokens,
      fairness: { workspaceId: workspaceKey(turn), userId: turn.userId },
      ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
      ...(deps.defaults.topP !== undefined ? { topP: deps.defaults.topP } : {}),
    };

    const deltas = new AsyncQueue<StreamItem>();
    let computedHere = false;
    const compute = () => {
      computedHere = true;
      return readAnswer(
        {
          llm: this.deps.llm,
          counter: this.deps.counter,
          now: this.now,
          defaultMaxTokens: this.deps.defaults.maxTokens,
        },
        request,
        deltas,
        options.signal,
      );
    };
    const useCache = deps.cache !== undefined && history.length === 0 && !window.questionTruncated;
    const shared: Promise<{ answer: CachedAnswer; outcome: "hit" | "miss" | "coalesced" | "bypass" }> =
      useCache && deps.cache
        ? deps.cache.resolve(
            answerCacheKey({
              scope: scopeOf(turn, deps.defaults.cacheScope),
              model: settings.model,
              systemPrompt: settings.systemPrompt,
              temperature: settings.temperature,
              topP: deps.defaults.topP,
              maxTokens: deps.defaults.maxTokens,
              question,
            }),
            compute,
          )
        : compute().then((answer) => ({ answer, outcome: "bypass" as const }));
    // Someone else's computation that was cut short (their platform refused the post, their replica
    // shut down) is theirs alone: this caller asks the model itself rather than show a cut answer.
    const resolution = shared.then(
      (resolved) =>
        resolved.outcome === "coalesced" && !isCacheable(resolved.answer)
          ? compute().then((answer) => ({ answer, outcome: "bypass" as const }))
          : resolved,
      (error: unknown) => {
        if (computedHere || !(error instanceof StreamAbortedError)) throw error;
        return compute().then((answer) => ({ answer, outcome: "bypass" as const }));
      },
    );
    // Whoever computes streams into `deltas`; a caller served by the cache or by another caller's
    // computation gets no deltas, so end the queue when the resolution settles either way.
    resolution.then(
      () => deltas.end(),
      () => deltas.end(),
    );
    const shown = new SecretStreamScrubber(this.secrets);
    for await (const item of deltas) {
      if (item.type !== "delta") {
        options.onProgress?.(item);
        continue;
      }
      const visible = shown.push(item.text);
      if (visible) yield { type: "delta", text: visible };
    }
    const rest = shown.end();
    if (rest) yield { type: "delta", text: rest };

    let resolved: Awaited<typeof resolution>;
    try {
      resolved = await resolution;
    } catch (error) {
      const code: UserFacingErrorCode = error instanceof LlmError ? error.userCode : "internal";
      deps.logger.warn(
        {
          err: error instanceof Error ? error.message : String(error),
          kind: (error as Error)?.name,
          conversation: key,
        },
        "answer failed",
      );
      deps.observer?.answered?.({ cache: useCache ? "miss" : "bypass", failure: code });
      yield failure(locale, code);
      return;
    }

    const { answer, outcome } = resolved;
    const answerText = scrubSecrets(answer.text, this.secrets);
    if (outcome === "hit" || outcome === "coalesced") yield { type: "delta", text: answerText };
    if (!answer.text) {
      deps.observer?.answered?.({ cache: outcome, failure: "unavailable" });
      yield failure(locale, "unavailable");
      return;
    }
    const fromCache = outcome === "hit" || outcome === "coalesced";
    const note =
      answer.finishReason === "interrupted" || answer.finishReason === "capped"
        ? `\n\n${translate(locale, answer.finishReason === "interrupted" ? "note.interrupted" : "note.answer_capped")}`
        : "";
    const usage = fromCache ? undefined : answer.usage;
    try {
      await this.recorder.record({
        turn,
        key,
        question: window.question,
        questionTokens: window.questionTokens,
        // An interrupted answer is kept with its note, so that neither the model nor a reader of the
        // history takes it for a complete one.
        answer: answer.text + note,
        answerTokens: note ? undefined : answer.answerTokens,
        model: settings.model,
        usage,
        fromCache,
        savedUsage: fromCache ? answer.usage : undefined,
        keyFingerprint: fromCache ? undefined : answer.keyFingerprint,
        locale,
      });
    } catch (error) {
      // The user has the answer already; losing its record is a log line, not a failed turn.
      deps.logger.error({ err: errorText(error), conversation: key }, "could not record an answered turn");
    }
    deps.observer?.answered?.({ cache: outcome });
    yield {
      type: "final",
      result: {
        // The file note is about this message only: shown, never remembered.
        text: answerText + note + (attachmentNote ? `\n\n_${attachmentNote}_` : ""),
        usage,
        cached: fromCache,
        finishReason: answer.finishReason,
        locale,
      },
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failure(
  locale: string,
  code: UserFacingErrorCode,
  params: Record<string, string> = {},
  audience: FailureAudience = "everyone",
): EngineEvent {
  const message = translate(locale, `error.${code}`, params);
  return {
    type: "final",
    result: {
      text: message,
      usage: undefined,
      cached: false,
      finishReason: "unknown",
      failure: { code, message, audience },
      locale,
    },
  };
}
