import { LRUCache } from "lru-cache";

interface Window {
  startedAt: number;
  count: number;
  notified: boolean;
}

export type RateVerdict = { allowed: true } | { allowed: false; notify: boolean };

/**
 * Questions per user per minute, in fixed windows. Beyond the limit the first refusal of a window
 * is answered and the rest are silent, so a spammer gets one notice, not one per message.
 */
export class UserRateLimit {
  private readonly windows = new LRUCache<string, Window>({ max: 100_000 });

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  hit(userKey: string): RateVerdict {
    const now = this.now();
    let window = this.windows.get(userKey);
    if (!window || now - window.startedAt >= 60_000) {
      window = { startedAt: now, count: 0, notified: false };
      this.windows.set(userKey, window);
    }
    window.count++;
    if (window.count <= this.perMinute) return { allowed: true };
    const notify = !window.notified;
    window.notified = true;
    return { allowed: false, notify };
  }
}
