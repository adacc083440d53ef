import { createHash } from "node:crypto";

/**
 * A short name for a key that can be logged and shown: the first 8 hex digits of its SHA-256. An
 * operator computes the same from a key they hold (`printf %s "$KEY" | sha256sum | cut -c1-8`) to tell
 * which key served which requests; nothing of the key itself (not even its last characters, which
 * narrow a brute force and which providers print) can be read back from it.
 */
export function keyFingerprint(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex").slice(0, 8);
}
