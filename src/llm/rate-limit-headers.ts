/** What a response's headers say about the remaining quota; times are absolute (clock ms). */
export interface RateLimitSnapshot {
  requests?: QuotaState;
  tokens?: QuotaState;
}

export interface QuotaState {
  limit: number | undefined;
  remaining: number;
  resetAt: number;
}

type HeaderSource = Pick<Headers, "get">;

/**
 * OpenAI-style durations: "1s", "6m0s", "12ms", "1m30.5s", "2h". Some providers send plain seconds.
 * Returns milliseconds, or undefined when the value is unreadable.
 */
export function parseDuration(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = "";
  for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(part[1]) * (unitMs[part[2] ?? "s"] ?? 0);
    matched += part[0];
  }
  return matched.length === trimmed.length && matched.length > 0 ? total : undefined;
}

/** The server's wait hint: `retry-after-ms`, then `retry-after` (seconds or HTTP date). */
export function retryAfterMs(headers: HeaderSource | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers.get("retry-after");
  if (after) {
    const seconds = Number.parseFloat(after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** The longest `x-ratelimit-reset-*` among the quotas that are exhausted, for a 429 without retry-after. */
export function exhaustedResetMs(headers: HeaderSource | undefined): number | undefined {
  if (!headers) return undefined;
  let longest: number | undefined;
  for (const kind of ["requests", "tokens"] as const) {
    const remaining = Number.parseFloat(headers.get(`x-ratelimit-remaining-${kind}`) ?? "");
    const reset = parseDuration(headers.get(`x-ratelimit-reset-${kind}`));
    if (reset === undefined) continue;
    if (Number.isFinite(remaining) && remaining > 0) continue;
    longest = Math.max(longest ?? 0, reset);
  }
  return longest;
}

export function readSnapshot(headers: HeaderSource, now: number): RateLimitSnapshot {
  const read = (kind: "requests" | "tokens"): QuotaState | undefined => {
    const remaining = Number.parseFloat(headers.get(`x-ratelimit-remaining-${kind}`) ?? "");
    const reset = parseDuration(headers.get(`x-ratelimit-reset-${kind}`));
    if (!Number.isFinite(remaining) || reset === undefined) return undefined;
    const limit = Number.parseFloat(headers.get(`x-ratelimit-limit-${kind}`) ?? "");
    return { limit: Number.isFinite(limit) ? limit : undefined, remaining, resetAt: now + reset };
  };
  const snapshot: RateLimitSnapshot = {};
  const requests = read("requests");
  const tokens = read("tokens");
  if (requests) snapshot.requests = requests;
  if (tokens) snapshot.tokens = tokens;
  return snapshot;
}
