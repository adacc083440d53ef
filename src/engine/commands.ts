import type { HistoryStore } from "../conversation/history-store.ts";
import type { SettingsStore } from "../conversation/settings-store.ts";
import { resolveSettings } from "../conversation/system-prompt.ts";
import { conversationKey, type InboundTurn } from "../conversation/turn.ts";
import { translate } from "../i18n/translate.ts";
import { usageKeys } from "../usage/usage-keys.ts";
import type { UsageStore } from "../usage/usage-store.ts";
import type { EngineCommand, EngineResult } from "./events.ts";
import type { KeyedSerialQueue } from "./keyed-serial-queue.ts";
import type { CommandNames, CommandOptions } from "./types.ts";

export interface CommandContext {
  history: HistoryStore;
  usage: UsageStore;
  settings: SettingsStore;
  model: string;
  globalPrompt: string;
  locale: string;
  order: KeyedSerialQueue;
}

export const defaultCommandNames: CommandNames = {
  ask: "/ask",
  reset: "/reset",
  usage: "/usage",
  help: "/help",
};

export async function runCommand(
  command: EngineCommand,
  turn: InboundTurn,
  options: CommandOptions,
  context: CommandContext,
): Promise<EngineResult> {
  const locale = turn.locale ?? context.locale;
  const key = conversationKey(turn);
  let text: string;
  switch (command) {
    case "reset": {
      // Queue behind an answer in flight, or it would write its pair back into the cleared history.
      const release = await context.order.acquire(key);
      try {
        await context.history.clear(key);
      } finally {
        release();
      }
      text = translate(locale, "reset.done");
      break;
    }
    case "usage": {
      const [thread, user] = await Promise.all([
        context.usage.get(usageKeys.conversation(turn)),
        context.usage.get(usageKeys.userTotal(turn)),
      ]);
      text = translate(locale, "usage.summary", {
        threadTokens: thread.promptTokens + thread.completionTokens,
        userTokens: user.promptTokens + user.completionTokens,
        userRequests: user.requests,
        cachedAnswers: user.cachedAnswers,
      });
      break;
    }
    case "help": {
      const names = options.commandNames ?? defaultCommandNames;
      const effective = await resolveSettings(
        context.settings,
        { systemPrompt: context.globalPrompt, model: context.model, temperature: undefined },
        turn,
      );
      text = translate(locale, "help.text", {
        model: effective.model,
        commands: translate(locale, "help.commands", { ...names }),
      });
      break;
    }
  }
  return { text, usage: undefined, cached: false, finishReason: "stop", command };
}
