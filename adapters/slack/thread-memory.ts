import { LRUCache } from "lru-cache";

/**
 * Threads the bot has answered in, so that with SLACK_REPLY_IN_THREADS=all a later message there is
 * answered without a mention. Kept in memory: after a restart, a mention brings a thread back.
 */
export class AnsweredThreads {
  private readonly threads: LRUCache<string, true>;

  constructor(maxEntries = 20_000, ttlMs = 7 * 24 * 3_600_000) {
    this.threads = new LRUCache({ max: maxEntries, ttl: ttlMs });
  }

  remember(teamId: string, channelId: string, threadTs: string): void {
    this.threads.set(key(teamId, channelId, threadTs), true);
  }

  has(teamId: string, channelId: string, threadTs: string): boolean {
    return this.threads.has(key(teamId, channelId, threadTs));
  }
}

/**
 * DM channels the bot itself is in: a message.im event only comes from them, and /ask can post in
 * them. A slash command in any other DM (between two people) is keyed per user there.
 */
export class BotDirectMessages {
  private readonly channels: LRUCache<string, true>;

  constructor(maxEntries = 50_000) {
    this.channels = new LRUCache({ max: maxEntries });
  }

  remember(teamId: string, channelId: string): void {
    this.channels.set(`${teamId}:${channelId}`, true);
  }

  has(teamId: string, channelId: string): boolean {
    return this.channels.has(`${teamId}:${channelId}`);
  }
}

const key = (teamId: string, channelId: string, threadTs: string) => `${teamId}:${channelId}:${threadTs}`;
