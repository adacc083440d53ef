import { PermissionFlagsBits, PermissionsBitField } from "discord.js";
import { describe, expect, it } from "vitest";
import { hasAdminPermission, roleIdsOf } from "../../adapters/discord/turn-facts.ts";

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
