import { describe, expect, it } from "vitest";
import type { HistoryPair, HistoryStore } from "../../src/conversation/history-store.ts";

/**
 * Behaviour every HistoryStore must have. `makeStore` returns an empty store that keeps at least
 * 50 pairs per conversation; each call must be isolated from the others (fresh prefix or database).
 */
export function historyStoreContract(name: string, makeStore: () => Promise<HistoryStore>): void {
  const pair = (n: number, extra: Partial<HistoryPair> = {}): HistoryPair => ({
    user: `question ${n}`,
    assistant: `answer ${n}`,
    userTokens: 10 + n,
    assistantTokens: 20 + n,
    ...extra,
  });

  describe(`HistoryStore contract: ${name}`, () => {
    it("reads an unknown conversation as empty", async () => {
      const store = await makeStore();
      expect(await store.read("never-written", 10)).toEqual([]);
    });

    it("returns the newest `limit` pairs, oldest first, with their token counts", async () => {
      const store = await makeStore();
      for (let n = 1; n <= 5; n++) await store.append("k", pair(n));
      expect(await store.read("k", 3)).toEqual([pair(3), pair(4), pair(5)]);
      expect(await store.read("k", 100)).toEqual([1, 2, 3, 4, 5].map((n) => pair(n)));
    });

    it("reads nothing for a limit of zero", async () => {
      const store = await makeStore();
      await store.append("k", pair(1));
      expect(await store.read("k", 0)).toEqual([]);
    });

    it("keeps conversations apart", async () => {
      const store = await makeStore();
      await store.append("discord:g1:c1:t1", pair(1));
      await store.append("discord:g2:c1:t1", pair(2));
      expect(await store.read("discord:g1:c1:t1", 10)).toEqual([pair(1)]);
      expect(await store.read("discord:g2:c1:t1", 10)).toEqual([pair(2)]);
    });

    it("clear forgets one conversation only, and the conversation can start again", async () => {
      const store = await makeStore();
      await store.append("a", pair(1));
      await store.append("b", pair(2));
      await store.clear("a");
      expect(await store.read("a", 10)).toEqual([]);
      expect(await store.read("b", 10)).toEqual([pair(2)]);
      await store.append("a", pair(3));
      expect(await store.read("a", 10)).toEqual([pair(3)]);
    });

    it("clearing an unknown conversation is harmless", async () => {
      const store = await makeStore();
      await expect(store.clear("nothing-here")).resolves.toBeUndefined();
    });

    it("stores text exactly: Chinese, emoji, newlines, special-token text, separators", async () => {
      const store = await makeStore();
      const odd = pair(1, {
        user: '第一行\n第二行 😀👍🏽 <|endoftext|> a:b|c\u0000\t"quoted"',
        assistant: "  leading and trailing spaces  \r\n",
      });
      await store.append("k:with:colons", odd);
      expect(await store.read("k:with:colons", 1)).toEqual([odd]);
    });

    it("keeps every pair of concurrent appends to one conversation", async () => {
      const store = await makeStore();
      await Promise.all(Array.from({ length: 20 }, (_, n) => store.append("k", pair(n))));
      const pairs = await store.read("k", 50);
      expect(pairs.map((p) => p.user).sort()).toEqual(
        Array.from({ length: 20 }, (_, n) => `question ${n}`).sort(),
      );
    });

    it("hands out a fresh array: adding to what read returned does not add to the store", async () => {
      const store = await makeStore();
      await store.append("k", pair(1));
      const first = await store.read("k", 10);
      first.push(pair(99));
      expect(await store.read("k", 10)).toEqual([pair(1)]);
    });
  });
}
