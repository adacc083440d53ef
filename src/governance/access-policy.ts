import type { InboundTurn } from "../conversation/turn.ts";

export interface AccessRules {
  allowedWorkspaceIds: readonly string[];
  allowedChannelIds: readonly string[];
  allowedUserIds: readonly string[];
  blockedUserIds: readonly string[];
  allowedDiscordRoleIds: readonly string[];
  dmsEnabled: boolean;
}

/** The access rules a configuration sets. */
export function accessRulesFrom(config: {
  ALLOWED_WORKSPACE_IDS: readonly string[];
  ALLOWED_CHANNEL_IDS: readonly string[];
  ALLOWED_USER_IDS: readonly string[];
  BLOCKED_USER_IDS: readonly string[];
  ALLOWED_DISCORD_ROLE_IDS: readonly string[];
  DMS_ENABLED: boolean;
}): AccessRules {
  return {
    allowedWorkspaceIds: config.ALLOWED_WORKSPACE_IDS,
    allowedChannelIds: config.ALLOWED_CHANNEL_IDS,
    allowedUserIds: config.ALLOWED_USER_IDS,
    blockedUserIds: config.BLOCKED_USER_IDS,
    allowedDiscordRoleIds: config.ALLOWED_DISCORD_ROLE_IDS,
    dmsEnabled: config.DMS_ENABLED,
  };
}

export type AccessVerdict = { allowed: true } | { allowed: false; reason: "access_denied" | "dms_disabled" };

/** Who may use the bot. Empty allow-lists allow everyone; the block-list always wins. */
export class AccessPolicy {
  private readonly workspaces: Set<string>;
  private readonly channels: Set<string>;
  private readonly users: Set<string>;
  private readonly blocked: Set<string>;
  private readonly roles: Set<string>;

  constructor(private readonly rules: AccessRules) {
    this.workspaces = new Set(rules.allowedWorkspaceIds);
    this.channels = new Set(rules.allowedChannelIds);
    this.users = new Set(rules.allowedUserIds);
    this.blocked = new Set(rules.blockedUserIds);
    this.roles = new Set(rules.allowedDiscordRoleIds);
  }

  check(turn: InboundTurn): AccessVerdict {
    const deny = { allowed: false, reason: "access_denied" } as const;
    if (this.blocked.has(turn.userId)) return deny;
    if (this.users.size > 0 && !this.users.has(turn.userId)) return deny;
    if (turn.isDirectMessage) {
      return this.rules.dmsEnabled ? { allowed: true } : { allowed: false, reason: "dms_disabled" };
    }
    if (this.workspaces.size > 0 && !this.workspaces.has(turn.workspaceId)) return deny;
    if (this.channels.size > 0 && !this.channels.has(turn.channelId)) return deny;
    if (turn.platform === "discord" && this.roles.size > 0) {
      if (!(turn.roleIds ?? []).some((role) => this.roles.has(role))) return deny;
    }
    return { allowed: true };
  }
}
