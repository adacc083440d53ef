import type { FinishReason, TokenUsage } from "../llm/types.ts";

export interface CachedAnswer {
  text: string;
  usage: TokenUsage | undefined;
  finishReason: FinishReason;
  /** The visible answer's own size in tokens when the provider's count tells it; counted otherwise. */
  answerTokens?: number;
  /** The fingerprint of the API key the upstream call was made with; never the key. */
  keyFingerprint?: string;
}

/** hit: served from the cache; miss: this caller computed it; coalesced: waited for another caller's computation. */
export type CacheOutcome = "hit" | "miss" | "coalesced";

export interface CacheStats {
  hits: number;
  misses: number;
  coalesced: number;
}

/**
 * First-turn answers by key. Concurrent callers with one key share one computation; a failed or
 * incomplete computation is never stored. The Redis implementation coordinates across replicas.
 */
export interface AnswerCache {
  resolve(
    key: string,
    compute: () => Promise<CachedAnswer>,
  ): Promise<{ answer: CachedAnswer; outcome: CacheOutcome }>;
  stats(): CacheStats;
}

/** Only complete answers may be served to someone else. */
export function isCacheable(answer: CachedAnswer): boolean {
  return answer.finishReason === "stop" && answer.text.length > 0;
}
