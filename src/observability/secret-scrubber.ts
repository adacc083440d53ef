import { allVariables } from "../config/variables/index.ts";

/** Shorter values are not scrubbed: they would mangle ordinary words, and no real credential is so short. */
const MIN_SECRET_LENGTH = 8;

export const SCRUBBED = "[redacted]";

/**
 * The values of every variable marked secret (API key, bot and app tokens, signing secret, Discord
 * token) and the password of REDIS_URL, as set in `environment` (which `.env` has been loaded into).
 */
export function configuredSecrets(environment: NodeJS.ProcessEnv = process.env): string[] {
  const values: string[] = [];
  for (const [name, spec] of Object.entries(allVariables)) {
    const value = environment[name]?.trim();
    if (spec.secret && value) values.push(value);
  }
  const redisPassword = passwordOf(environment.REDIS_URL);
  if (redisPassword) values.push(redisPassword);
  return uniqueLongestFirst(values);
}

/**
 * Replaces every occurrence of a secret inside `text`, whatever field or message it is in. pino's
 * redaction works on paths only; an upstream that echoes the key in its error text needs this.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (scrubbed.includes(secret)) scrubbed = scrubbed.replaceAll(secret, SCRUBBED);
  }
  return scrubbed;
}

/** Longest first, so that a secret containing another is replaced whole. */
export function uniqueLongestFirst(values: readonly string[]): string[] {
  return [...new Set(values.filter((value) => value.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}
