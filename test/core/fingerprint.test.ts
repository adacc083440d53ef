import { describe, expect, it } from "vitest";
import { keyFingerprint } from "../../src/secrets/fingerprint.ts";

describe("keyFingerprint", () => {
  it("is the first 8 hex digits of the key's SHA-256 (FIPS 180-2 test vector for 'abc')", () => {
    expect(keyFingerprint("abc")).toBe("ba7816bf");
  });

  it("tells two keys apart and holds no part of the key", () => {
    const old = "sk-proj-CANARY-old-key-9f3a";
    const next = "sk-proj-CANARY-new-key-71c2";
    expect(keyFingerprint(old)).not.toBe(keyFingerprint(next));
    for (const key of [old, next]) {
      expect(keyFingerprint(key)).toMatch(/^[0-9a-f]{8}$/);
      expect(keyFingerprint(key)).not.toContain(key.slice(-4));
    }
  });
});
