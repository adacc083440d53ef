import type { CacheScope } from "../cache/cache-key.ts";
import type { InboundTurn } from "../conversation/turn.ts";
import type { EngineCommand, EngineEvent, EngineProgress, EngineResult } from "./events.ts";
import type { SettingsRequest } from "./settings-command.ts";

export type { SettingsRequest };

export interface EngineDefaults {
  systemPrompt: string;
  model: string;
  temperature: number | undefined;
  topP: number | undefined;
  maxTokens: number;
  cacheScope: CacheScope;
  /** Locale of the bot's own texts when a turn carries none. */
  locale: string;
}

/** How the platform spells its commands, for the help text. */
export interface CommandNames {
  ask: string;
  reset: string;
  usage: string;
  help: string;
  config: string;
}

export interface CommandOptions {
  /** How the platform spells its commands; missing ones default to /ask, /reset, … */
  commandNames?: Partial<CommandNames>;
  /** For the "config" command: what the admin asked to see or change. */
  settings?: SettingsRequest;
}

export interface AskOptions {
  signal?: AbortSignal;
  /** Reasoning progress ("Thinking… 12s"), in order with the deltas; see `EngineProgress`. */
  onProgress?: (progress: EngineProgress) => void;
}

/**
 * What every adapter talks to. `ask` never throws: failures arrive as a final result with `failure`
 * set and a short localized text, so an adapter only renders.
 */
export interface ConversationEngine {
  /** Streams the answer to `turn` (deltas, then one final). Turns of one conversation run in order. */
  ask(turn: InboundTurn, options?: AskOptions): AsyncIterable<EngineEvent>;
  /** The catalog locale of the bot's own texts to this person (the turn's, else BOT_LOCALE). */
  localeOf(turn: Pick<InboundTurn, "locale">): string;
  /** reset / help / usage for the turn's conversation and user. */
  command(command: EngineCommand, turn: InboundTurn, options?: CommandOptions): Promise<EngineResult>;
}
