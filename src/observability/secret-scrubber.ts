import { allVariables } from "../config/variables/index.ts";

/** Shorter values are not scrubbed: they would mangle ordinary words, and no real credential is so short. */
const MIN_SECRET_LENGTH = 8;

export const SCRUBBED = "[redacted]";

/**
 * The values of every variable marked secret (API key, bot and app tokens, signing secret, Discord
 * token) and the password of REDIS_URL, as set in `environment` (which `.env` has been loaded into).
 */
export function configuredSecrets(environment: Readonly<Record<string, unknown>> = process.env): string[] {
  const values: string[] = [];
  for (const [name, spec] of Object.entries(allVariables)) {
    const raw = environment[name];
    const value = typeof raw === "string" ? raw.trim() : undefined;
    if (spec.secret && value) values.push(value);
  }
  const redisUrl = environment.REDIS_URL;
  const redisPassword = passwordOf(typeof redisUrl === "string" ? redisUrl : undefined);
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

/**
 * Scrubs a text that arrives in pieces (a streamed answer) so that a secret split between two pieces
 * is caught too: an ending that could be the start of a secret is held back until the next piece
 * shows whether it is one (so ordinary text streams without delay). What it emits, joined, equals
 * `scrubSecrets` of the whole text.
 */
export class SecretStreamScrubber {
  private pending = "";

  constructor(private readonly secrets: readonly string[]) {}

  push(piece: string): string {
    if (this.secrets.length === 0) return piece;
    const scrubbed = scrubSecrets(this.pending + piece, this.secrets);
    const cut = scrubbed.length - this.possibleSecretStart(scrubbed);
    this.pending = scrubbed.slice(cut);
    return scrubbed.slice(0, cut);
  }

  end(): string {
    const rest = scrubSecrets(this.pending, this.secrets);
    this.pending = "";
    return rest;
  }

  /** The length of the longest ending of `text` that begins some secret (and is shorter than it). */
  private possibleSecretStart(text: string): number {
    let longest = 0;
    for (const secret of this.secrets) {
      for (let length = Math.min(secret.length - 1, text.length); length > longest; length -= 1) {
        if (text.endsWith(secret.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
