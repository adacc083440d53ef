import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CachedAnswer } from "../../src/cache/answer-cache.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { RedisAnswerCache } from "../../src/state/redis/answer-cache.ts";
import { RedisConnection } from "../../src/state/redis/connection.ts";
import { RedisDedupeStore } from "../../src/state/redis/dedupe-store.ts";
import { RedisHistoryStore } from "../../src/state/redis/history-store.ts";
import { type RedisKeys, redisKeys } from "../../src/state/redis/keys.ts";
import { RedisRateLimiter } from "../../src/state/redis/rate-limiter.ts";
import { ManualClock } from "../contracts/support/manual-clock.ts";
import { track } from "../contracts/support/track.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";

// Two connections to one redis-server stand for two replicas: what one writes, the other must see,
// and shared limits must hold across both.
let server: RedisServer;
let replicaA: RedisConnection;
let replicaB: RedisConnection;

beforeAll(async () => {
  server = await startRedisServer();
  replicaA = await RedisConnection.connect({ url: server.url, logger: silentLogger });
  replicaB = await RedisConnection.connect({ url: server.url, logger: silentLogger });
});

afterAll(async () => {
  await replicaA?.close();
  await replicaB?.close();
  await server?.close();
});

const sharedKeys = (): RedisKeys => redisKeys(`replicas-${randomUUID()}:`);
const answer = (text: string): CachedAnswer => ({ text, usage: undefined, finishReason: "stop" });

/** Lets Lua round trips of both replicas finish between clock steps. */
const settle = async () => {
  for (let i = 0; i < 6; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.all([replicaA.client.ping(), replicaB.client.ping()]);
  }
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

describe("history across replicas", () => {
  it("a thread written by one replica is read by the other, trimmed and with an expiry", async () => {
    const keys = sharedKeys();
    const options = { keys, ttlSeconds: 600, maxPairsPerConversation: 3, localConversations: 10 };
    const a = new RedisHistoryStore(replicaA, options);
    const b = new RedisHistoryStore(replicaB, options);
    for (let n = 1; n <= 5; n++) {
      await (n % 2 ? a : b).append("slack:T1:C1:t1", {
        user: `q${n}`,
        assistant: `a${n}`,
        userTokens: 1,
        assistantTokens: 1,
      });
    }
    expect((await b.read("slack:T1:C1:t1", 10)).map((pair) => pair.user)).toEqual(["q3", "q4", "q5"]);
    const ttl = await replicaA.client.ttl(keys.history("slack:T1:C1:t1"));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    await a.clear("slack:T1:C1:t1");
    expect(await b.read("slack:T1:C1:t1", 10)).toEqual([]);
  });
});

describe("dedupe across replicas", () => {
  it("lets one of many deliveries spread over two replicas through", async () => {
    const keys = sharedKeys();
    const a = new RedisDedupeStore(replicaA, keys);
    const b = new RedisDedupeStore(replicaB, keys);
    const verdicts = await Promise.all(
      Array.from({ length: 20 }, (_, n) => (n % 2 ? a : b).firstSeen("slack:Ev42")),
    );
    expect(verdicts.filter(Boolean)).toHaveLength(1);
    expect(await replicaA.client.ttl(keys.dedupe("slack:Ev42"))).toBeGreaterThan(3500);
  });
});

describe("answer cache across replicas", () => {
  function caches(clock: ManualClock, maxWaitMs = 10_000) {
    const keys = sharedKeys();
    const options = { keys, ttlMs: 60_000, clock, fallbackMaxEntries: 10, pollMs: 100, maxWaitMs };
    return { keys, a: new RedisAnswerCache(replicaA, options), b: new RedisAnswerCache(replicaB, options) };
  }

  it("makes one upstream call for one question asked on two replicas at once", async () => {
    const clock = new ManualClock(Date.now(), settle);
    const { a, b } = caches(clock);
    const upstream = deferred<CachedAnswer>();
    let calls = 0;
    const compute = () => {
      calls++;
      return upstream.promise;
    };
    const first = track(a.resolve("q", compute));
    await settle();
    const second = track(b.resolve("q", compute));
    await clock.advance(500); // replica B polls while A computes
    expect(second.state).toBe("pending");
    upstream.resolve(answer("forty-two"));
    await clock.advance(100);
    await Promise.all([first.promise, second.promise]);
    expect(calls).toBe(1);
    expect(first.value).toEqual({ answer: answer("forty-two"), outcome: "miss" });
    expect(second.value).toEqual({ answer: answer("forty-two"), outcome: "coalesced" });
    expect(b.stats()).toEqual({ hits: 0, misses: 0, coalesced: 1 });
    expect((await b.resolve("q", compute)).outcome).toBe("hit");
  });

  it("lets a waiting replica compute itself as soon as the first one fails", async () => {
    const clock = new ManualClock(Date.now(), settle);
    const { a, b } = caches(clock);
    const upstream = deferred<CachedAnswer>();
    const first = track(a.resolve("q", () => upstream.promise));
    await settle();
    let secondCalls = 0;
    const second = track(
      b.resolve("q", async () => {
        secondCalls++;
        return answer("from B");
      }),
    );
    await clock.advance(300);
    upstream.reject(new Error("429"));
    await clock.advance(100);
    await expect(first.promise).rejects.toThrow("429");
    expect(await second.promise).toEqual({ answer: answer("from B"), outcome: "miss" });
    expect(secondCalls).toBe(1);
  });

  it("stops waiting for a replica that holds the lock too long and computes", async () => {
    const clock = new ManualClock(Date.now(), settle);
    const { keys, b } = caches(clock, 2_000);
    await replicaA.client.set(keys.cacheLock("q"), "a crashed replica", {
      expiration: { type: "PX", value: 60_000 },
    });
    let calls = 0;
    const waiting = track(
      b.resolve("q", async () => {
        calls++;
        return answer("computed after waiting");
      }),
    );
    await clock.advance(1_900);
    expect(waiting.state).toBe("pending");
    expect(calls).toBe(0);
    await clock.advance(200);
    expect(await waiting.promise).toEqual({ answer: answer("computed after waiting"), outcome: "miss" });
    expect(calls).toBe(1);
  });
});

describe("rate limits across replicas", () => {
  function limiters(clock: ManualClock, budgets: { requestsPerMinute?: number } = {}) {
    const keys = sharedKeys();
    const options = { keys, clock, maxConcurrency: 5, ...budgets };
    return { a: new RedisRateLimiter(replicaA, options), b: new RedisRateLimiter(replicaB, options) };
  }

  it("a 429 cool-down set by one replica holds the other", async () => {
    const clock = new ManualClock(1_700_000_000_000, settle);
    const { a, b } = limiters(clock);
    await a.coolDown(clock.now() + 5_000);
    const held = track(b.acquire(100));
    await clock.advance(4_999);
    expect(held.state).toBe("pending");
    await clock.advance(1);
    expect(held.state).toBe("fulfilled");
    expect(a.stats().coolDownMs).toBe(5_000);
  });

  it("one RPM budget is shared by both replicas", async () => {
    const clock = new ManualClock(1_700_000_000_000, settle);
    const { a, b } = limiters(clock, { requestsPerMinute: 2 });
    const first = track(a.acquire(100));
    const second = track(b.acquire(100));
    await settle();
    const third = track(a.acquire(100));
    await settle();
    expect([first.state, second.state, third.state]).toEqual(["fulfilled", "fulfilled", "pending"]);
    await clock.advance(30_000);
    expect(third.state).toBe("fulfilled");
  });

  it("keeps the concurrency cap per process", async () => {
    const clock = new ManualClock(1_700_000_000_000, settle);
    const keys = sharedKeys();
    const a = new RedisRateLimiter(replicaA, { keys, clock, maxConcurrency: 1 });
    const b = new RedisRateLimiter(replicaB, { keys, clock, maxConcurrency: 1 });
    const grants = [track(a.acquire(1)), track(b.acquire(1)), track(a.acquire(1))];
    await settle();
    expect(grants.map((grant) => grant.state)).toEqual(["fulfilled", "fulfilled", "pending"]);
    expect(a.stats()).toMatchObject({ inFlight: 1, queued: 1 });
  });
});
