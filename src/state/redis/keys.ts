/** Every key this bot writes starts with the prefix, so one Redis can serve several bots (or tests). */
export const defaultKeyPrefix = "llm-chat-bot:";

export function redisKeys(prefix: string = defaultKeyPrefix) {
  return {
    history: (conversation: string) => `${prefix}history:${conversation}`,
    cacheEntry: (key: string) => `${prefix}cache:${key}`,
    cacheLock: (key: string) => `${prefix}cache-lock:${key}`,
    dedupe: (id: string) => `${prefix}dedupe:${id}`,
    settings: (scope: string) => `${prefix}settings:${scope}`,
    usage: (key: string) => `${prefix}usage:${key}`,
    board: (board: string) => `${prefix}rank:${board}`,
    limiter: () => `${prefix}limiter`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
