import { describe, expect, it } from "vitest";
import type { SettingsStore } from "../../src/conversation/settings-store.ts";

/** Behaviour every SettingsStore must have: merged patches per scope, undefined removes. */
export function settingsStoreContract(name: string, makeStore: () => Promise<SettingsStore>): void {
  describe(`SettingsStore contract: ${name}`, () => {
    it("has no settings for an unknown scope", async () => {
      const store = await makeStore();
      expect(await store.get("slack:T1")).toBeUndefined();
    });

    it("merges patches, keeping what a patch does not mention", async () => {
      const store = await makeStore();
      await store.update("slack:T1", { systemPrompt: "Be brief.", temperature: 0.2 });
      await store.update("slack:T1", { model: "small-model" });
      await store.update("slack:T1", { temperature: 0 });
      expect(await store.get("slack:T1")).toEqual({
        systemPrompt: "Be brief.",
        model: "small-model",
        temperature: 0,
      });
    });

    it("removes a setting patched to undefined, and the scope once nothing is left", async () => {
      const store = await makeStore();
      await store.update("discord:G1:C1", { systemPrompt: "Pirate voice.", model: "m" });
      await store.update("discord:G1:C1", { model: undefined });
      expect(await store.get("discord:G1:C1")).toEqual({ systemPrompt: "Pirate voice." });
      await store.update("discord:G1:C1", { systemPrompt: undefined });
      expect(await store.get("discord:G1:C1")).toBeUndefined();
    });

    it("keeps scopes apart: a workspace and its channel are different scopes", async () => {
      const store = await makeStore();
      await store.update("slack:T1", { systemPrompt: "workspace" });
      await store.update("slack:T1:C1", { systemPrompt: "channel" });
      await store.update("slack:T2", { systemPrompt: "other tenant" });
      expect((await store.get("slack:T1"))?.systemPrompt).toBe("workspace");
      expect((await store.get("slack:T1:C1"))?.systemPrompt).toBe("channel");
      expect((await store.get("slack:T2"))?.systemPrompt).toBe("other tenant");
      expect(await store.get("slack:T1:C2")).toBeUndefined();
    });

    it("stores a prompt exactly, multi-line and non-ASCII included", async () => {
      const store = await makeStore();
      const prompt = "请用中文回答。\nUse **Markdown**.\n\t— thanks 🙏";
      await store.update("slack:T1", { systemPrompt: prompt });
      expect((await store.get("slack:T1"))?.systemPrompt).toBe(prompt);
    });
  });
}
