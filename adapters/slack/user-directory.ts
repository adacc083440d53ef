import type { webApi } from "@slack/bolt";
import { LRUCache } from "lru-cache";
import type { Logger } from "../../src/index.ts";
import { errorSummary } from "./errors.ts";

export interface SlackUserProfile {
  name: string;
  /** Slack locale such as "en-US" or "zh-CN", when users.info tells it. */
  locale: string | undefined;
  /** Workspace admin or owner, as users.info says. */
  isAdmin: boolean;
  /** The user's own workspace; another organization's for a guest from a Slack Connect channel. */
  teamId: string | undefined;
}

/**
 * Readable names and locales from users.info, cached: a busy channel would otherwise cost one Web API
 * call per mention per message. A failed lookup is cached briefly as the bare id so that a missing
 * `users:read` scope does not turn every message into a failing call.
 */
export class SlackUserDirectory {
  private readonly cache: LRUCache<string, SlackUserProfile>;
  private readonly pending = new Map<string, Promise<SlackUserProfile>>();
  private readonly failureTtlMs: number;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
    options: { maxEntries?: number; ttlMs?: number; failureTtlMs?: number } = {},
  ) {
    this.cache = new LRUCache({ max: options.maxEntries ?? 5000, ttl: options.ttlMs ?? 3_600_000 });
    this.failureTtlMs = options.failureTtlMs ?? 60_000;
  }

  async profile(teamId: string, userId: string): Promise<SlackUserProfile> {
    const key = `${teamId}:${userId}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const lookup = this.lookup(key, userId).finally(() => this.pending.delete(key));
    this.pending.set(key, lookup);
    return lookup;
  }

  /**
   * A profile looked up again now, for decisions a stale cache must not make: an admin command from
   * someone who lost their admin role an hour ago is refused at once.
   */
  async refresh(teamId: string, userId: string): Promise<SlackUserProfile> {
    this.cache.delete(`${teamId}:${userId}`);
    return this.profile(teamId, userId);
  }

  /** The cached profile, without a Web API call; for code that must not wait. */
  cached(teamId: string, userId: string): SlackUserProfile | undefined {
    return this.cache.get(`${teamId}:${userId}`);
  }

  /** Names of several users at once, for the mentions in one message. */
  async names(teamId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    const profiles = await Promise.all(userIds.map((id) => this.profile(teamId, id)));
    return new Map(userIds.map((id, index) => [id, profiles[index]?.name ?? id]));
  }

  private async lookup(key: string, userId: string): Promise<SlackUserProfile> {
    try {
      const response = await this.client.users.info({ user: userId, include_locale: true });
      const user = response.user;
      const name =
        user?.profile?.display_name?.trim() || user?.real_name?.trim() || user?.name?.trim() || userId;
      const isAdmin = Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
      const profile = {
        name,
        locale: user?.locale || undefined,
        isAdmin,
        teamId: user?.team_id || undefined,
      };
      this.cache.set(key, profile);
      return profile;
    } catch (error) {
      this.logger.warn(
        { error: errorSummary(error), userId },
        "slack users.info failed; using the user id as name",
      );
      const fallback = { name: userId, locale: undefined, isAdmin: false, teamId: undefined };
      this.cache.set(key, fallback, { ttl: this.failureTtlMs });
      return fallback;
    }
  }
}
