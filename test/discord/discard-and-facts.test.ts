import { PermissionFlagsBits, PermissionsBitField } from "discord.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ReplySurface, StreamingReply } from "../../adapters/discord/streaming-reply.ts";
import { hasAdminPermission, roleIdsOf } from "../../adapters/discord/turn-facts.ts";

/** A surface that records the writes a silent answer must undo, and its placeholder's removal. */
class RecordingSurface implements ReplySurface {
  readonly operations: string[] = [];
  readonly shown = new Set<string>();
  private nextId = 1;

  async showTyping() {
    this.operations.push("typing");
  }
  async post(index: number) {
    const id = `m${this.nextId++}`;
    this.operations.push(`post ${index}`);
    this.shown.add(id);
    return id;
  }
  async edit(index: number) {
    this.operations.push(`edit ${index}`);
  }
  async delete(index: number, messageId: string) {
    this.operations.push(`delete ${index}`);
    this.shown.delete(messageId);
  }
  async withdraw() {
    this.operations.push("withdraw");
  }
}

describe("StreamingReply.discard", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("withdraws the placeholder when nothing was posted, and stops typing", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000, typingIntervalMs: 8000 });
    reply.startTyping();
    await reply.discard();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(surface.operations).toEqual(["typing", "withdraw"]);
  });

  it("deletes what a preview posted, last first, and writes nothing afterwards", async () => {
    const surface = new RecordingSurface();
    const reply = new StreamingReply(surface, { editIntervalMs: 1000 });
    reply.append("x ".repeat(1500)); // two messages' worth
    await vi.advanceTimersByTimeAsync(10);
    expect(surface.shown.size).toBe(2);
    reply.append(" and more text that would be edited in after a second");
    await reply.discard();
    reply.append(" too late");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(surface.operations).toEqual(["post 0", "post 1", "delete 1", "delete 0"]);
    expect(surface.shown.size).toBe(0);
  });
});

describe("turn facts", () => {
  it("counts Manage Server and Administrator as admin, nothing else", () => {
    const of = (...bits: bigint[]) => new PermissionsBitField(bits);
    expect(hasAdminPermission(of(PermissionFlagsBits.ManageGuild))).toBe(true);
    expect(hasAdminPermission(of(PermissionFlagsBits.Administrator))).toBe(true);
    expect(
      hasAdminPermission(of(PermissionFlagsBits.ManageChannels, PermissionFlagsBits.ManageMessages)),
    ).toBe(false);
    expect(hasAdminPermission(null)).toBe(false);
  });

  it("reads role ids from a raw interaction member", () => {
    expect(roleIdsOf({ roles: ["1", "2"] } as never)).toEqual(["1", "2"]);
    expect(roleIdsOf(null)).toEqual([]);
  });
});
