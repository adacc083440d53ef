import { exhaustedResetMs, parseDuration, retryAfterMs } from "./rate-limit-headers.ts";

type HeaderSource = Pick<Headers, "get">;

/**
 * How long a 429 asks us to wait, from every hint it carries; the longest wins, as each is a floor:
 * - `retry-after-ms` / `retry-after`;
 * - `x-ratelimit-reset-*` of a quota that is exhausted, or of the token quota when what remains is
 *   less than this request needs (OpenAI answers a TPM 429 with tokens remaining, just not enough);
 * - the message's "Please try again in 41.724s" / "retry after 6 seconds".
 */
export function rateLimitWaitMs(
  headers: HeaderSource | undefined,
  message: string,
  now: number,
  estimateTokens?: number,
): number | undefined {
  const hints = [
    retryAfterMs(headers, now),
    exhaustedResetMs(headers),
    shortfallResetMs(headers, estimateTokens),
    messageWaitMs(message),
  ].filter((hint): hint is number => hint !== undefined);
  return hints.length > 0 ? Math.max(...hints) : undefined;
}

/** `x-ratelimit-reset-tokens` when the remaining tokens cannot cover the request. */
export function shortfallResetMs(
  headers: HeaderSource | undefined,
  estimateTokens: number | undefined,
): number | undefined {
  if (!headers || estimateTokens === undefined) return undefined;
  const remaining = Number.parseFloat(headers.get("x-ratelimit-remaining-tokens") ?? "");
  if (!Number.isFinite(remaining) || remaining >= estimateTokens) return undefined;
  return parseDuration(headers.get("x-ratelimit-reset-tokens"));
}

/** "try again in 9.816s", "try again in 1m22.5s", "try again in 20ms", "retry after 6 seconds". */
export function messageWaitMs(message: string): number | undefined {
  const match =
    /(?:try again in|retry after|retry in)\s+(\d+(?:\.\d+)?(?:ms|h|m|s)(?:\d+(?:\.\d+)?(?:ms|h|m|s))*|\d+(?:\.\d+)?\s*(?:seconds?|secs?))/i.exec(
      message,
    );
  const value = match?.[1];
  if (!value) return undefined;
  const seconds = /^(\d+(?:\.\d+)?)\s*(?:seconds?|secs?)$/i.exec(value);
  return seconds ? Number(seconds[1]) * 1000 : parseDuration(value.toLowerCase());
}
