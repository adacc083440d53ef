import { describe, expect, it } from "vitest";
import {
  channelScope,
  type GlobalSettings,
  resolveSettings,
  workspaceScope,
} from "../../src/conversation/settings-resolution.ts";
import { MemorySettingsStore } from "../../src/conversation/settings-store.ts";
import { conversationKey, type InboundTurn } from "../../src/conversation/turn.ts";

const turn = (overrides: Partial<InboundTurn> = {}): InboundTurn => ({
  platform: "slack",
  workspaceId: "T1",
  channelId: "C1",
  threadId: "1700000000.000100",
  userId: "U1",
  userName: "Ada",
  text: "hi",
  isDirectMessage: false,
  ...overrides,
});

const global: GlobalSettings = { systemPrompt: "Global rules.", model: "global-model", temperature: 0.7 };

describe("system prompt layering", () => {
  it("uses the global settings when nothing is stored", async () => {
    expect(await resolveSettings(new MemorySettingsStore(), global, turn())).toEqual(global);
  });

  it("appends the workspace prompt, then the channel prompt, to the global one", async () => {
    const store = new MemorySettingsStore();
    await store.update(workspaceScope(turn()), { systemPrompt: "Workspace rules." });
    await store.update(channelScope(turn()), { systemPrompt: "Channel rules." });
    const effective = await resolveSettings(store, global, turn());
    expect(effective.systemPrompt).toBe("Global rules.\n\nWorkspace rules.\n\nChannel rules.");
  });

  it("applies a channel's layer to that channel only, and a workspace's to that workspace only", async () => {
    const store = new MemorySettingsStore();
    await store.update(workspaceScope(turn()), { systemPrompt: "Workspace rules." });
    await store.update(channelScope(turn()), { systemPrompt: "Channel rules." });
    expect((await resolveSettings(store, global, turn({ channelId: "C2" }))).systemPrompt).toBe(
      "Global rules.\n\nWorkspace rules.",
    );
    expect((await resolveSettings(store, global, turn({ workspaceId: "T2" }))).systemPrompt).toBe(
      "Global rules.",
    );
    expect((await resolveSettings(store, global, turn({ platform: "discord" }))).systemPrompt).toBe(
      "Global rules.",
    );
  });

  it("lets the channel override the workspace, and the workspace the global model and temperature", async () => {
    const store = new MemorySettingsStore();
    await store.update(workspaceScope(turn()), { model: "ws-model", temperature: 1.2 });
    expect(await resolveSettings(store, global, turn())).toMatchObject({
      model: "ws-model",
      temperature: 1.2,
    });
    await store.update(channelScope(turn()), { model: "channel-model", temperature: 0 });
    expect(await resolveSettings(store, global, turn())).toMatchObject({
      model: "channel-model",
      temperature: 0,
    });
  });

  it("names scopes platform:workspace and platform:workspace:channel", () => {
    expect(workspaceScope(turn())).toBe("slack:T1");
    expect(channelScope(turn())).toBe("slack:T1:C1");
  });
});

describe("conversation keys", () => {
  it("is platform:workspace:channel:thread", () => {
    expect(conversationKey(turn())).toBe("slack:T1:C1:1700000000.000100");
  });

  it("never shares a key across platforms, workspaces, channels or threads", () => {
    const keys = [
      turn(),
      turn({ platform: "discord" }),
      turn({ workspaceId: "T2" }),
      turn({ channelId: "C2" }),
      turn({ threadId: "main" }),
    ].map(conversationKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("cannot be forged by ids that contain the separator", () => {
    const a = conversationKey(turn({ workspaceId: "T1:C1", channelId: "x" }));
    const b = conversationKey(turn({ workspaceId: "T1", channelId: "C1:x" }));
    expect(a).not.toBe(b);
  });

  it("ignores who is asking: one thread is one conversation", () => {
    expect(conversationKey(turn({ userId: "U2", userName: "Bob" }))).toBe(conversationKey(turn()));
  });
});
