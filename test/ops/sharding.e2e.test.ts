import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShardedFakeDiscord } from "../fakes/discord/sharded-server.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.ts";
import { freePort, type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { TEST_OPENAI_KEY } from "../support/services.ts";
import { BotFleet, E2E_TIMEOUT_MS, logged, sample } from "./e2e-support.ts";

// `npm run start:sharded` (app/sharded.ts) against a fake Discord whose /gateway/bot recommends two
// shards: the manager forks two shard processes (real discord.js ShardingManager), each identifies
// as its shard, receives only its guild's events and answers them; the manager serves health and
// the shards' summed metrics on PORT, and stops both shards on SIGTERM.

let redis: RedisServer;
let openai: FakeOpenAI;
let discord: ShardedFakeDiscord;
const fleet = new BotFleet();

beforeAll(async () => {
  [redis, openai, discord] = await Promise.all([
    startRedisServer(),
    startFakeOpenAI(),
    // A high max_concurrency lets both shards identify at once, so the test need not wait 5.5 s.
    ShardedFakeDiscord.start({ shardCount: 2, maxConcurrency: 16 }),
  ]);
});

afterAll(async () => {
  await fleet.killAll();
  await Promise.all([redis?.close(), openai?.close(), discord?.close()]);
});

const shardedEnv = (overrides: Record<string, string> = {}): Record<string, string> => ({
  OPENAI_API_KEY: TEST_OPENAI_KEY,
  OPENAI_BASE_URL: openai.url,
  DISCORD_TOKEN: discord.token,
  DISCORD_API_URL: discord.apiUrl,
  DISCORD_EDIT_INTERVAL_MS: "250",
  REDIS_URL: redis.url,
  ...overrides,
});

/** The latest pid of each shard's process, from the manager's "shard process started" lines. */
const pidsOf = (logs: Record<string, unknown>[]) =>
  new Map(
    logs.filter(logged("shard process started")).map((entry) => [Number(entry.shard), Number(entry.pid)]),
  );

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("npm run start:sharded with DISCORD_SHARDS=auto", () => {
  it(
    "runs one process per recommended shard; each answers its own guild; a killed shard comes back; SIGTERM stops all",
    async () => {
      const manager = await fleet.start(shardedEnv(), {
        entry: "app/sharded.ts",
        readyLog: "all shards ready",
      });
      expect([...discord.gateway.identifies].sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect(discord.gateway.connectedShards()).toEqual([0, 1]);
      const [guild0, guild1] = discord.guilds;
      if (!guild0 || !guild1) throw new Error("the fake has no guilds");

      for (const guild of [guild0, guild1]) {
        expect(discord.mentionBot(guild, `hello from guild ${guild.shard}`).delivered).toBe(1);
      }
      for (const guild of [guild0, guild1]) {
        await discord.waitFor(`the answer in guild ${guild.shard}`, () =>
          discord
            .botMessagesIn(guild.channel.id)
            .some((stored) => stored.message.content === `Echo: hello from guild ${guild.shard}`),
        );
        expect(discord.botMessagesIn(guild.channel.id)).toHaveLength(1);
      }
      // Each question was taken by the shard process of its guild, and by no other.
      const answeredBy = manager.logs
        .filter(logged("discord: answering a message"))
        .map((entry) => [entry.guildId, entry.shard]);
      expect(answeredBy.sort()).toEqual(
        [
          [guild0.id, 0],
          [guild1.id, 1],
        ].sort(),
      );
      expect(openai.requests).toHaveLength(2);

      // Health and metrics for all shards, on the manager's PORT.
      expect((await fetch(`${manager.base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${manager.base}/readyz`);
      expect(await ready.json()).toEqual({ ready: true, checks: { "shard-0": true, "shard-1": true } });
      const metrics = await (await fetch(`${manager.base}/metrics`)).text();
      expect(sample(metrics, 'bot_messages_total{platform="discord",kind="channel"}')).toBe(2);
      expect(sample(metrics, 'bot_answers_total{cache="miss",result="ok"}')).toBe(2);
      expect(sample(metrics, 'bot_discord_shards{state="ready"}')).toBe(2);
      expect(sample(metrics, "bot_redis_up")).toBe(1);

      // A shard process that dies is started again (after a back-off) and answers its guild again.
      const firstPids = pidsOf(manager.logs);
      const shard1 = firstPids.get(1);
      if (shard1 === undefined) throw new Error("no pid logged for shard 1");
      const before = manager.logs.length;
      process.kill(shard1, "SIGKILL");
      await manager.waitForLog(
        (entry) => manager.logs.indexOf(entry) >= before && entry.msg === "shard ready" && entry.shard === 1,
      );
      const respawned = manager.logs.slice(before).filter(logged("shard process exited; respawning"));
      expect(respawned.map((entry) => [entry.shard, entry.exit])).toEqual([[1, "SIGKILL"]]);
      expect(discord.mentionBot(guild1, "still there?").delivered).toBe(1);
      await discord.waitFor("the answer after the respawn", () =>
        discord
          .botMessagesIn(guild1.channel.id)
          .some((stored) => stored.message.content === "Echo: still there?"),
      );
      expect(await (await fetch(`${manager.base}/readyz`)).json()).toMatchObject({ ready: true });

      const shardPids = [...pidsOf(manager.logs).values()];
      expect(shardPids).toHaveLength(2);
      expect(shardPids).not.toContain(shard1);

      // SIGHUP to the manager reaches every shard, each reloads its secrets, and nothing stops.
      const beforeHup = manager.logs.length;
      manager.child.kill("SIGHUP");
      const reloadedBy = new Set<unknown>();
      await manager.waitForLog((entry) => {
        if (manager.logs.indexOf(entry) >= beforeHup && entry.msg === "secrets reloaded")
          reloadedBy.add(entry.shard);
        return reloadedBy.size === 2;
      });
      expect([...reloadedBy].sort()).toEqual([0, 1]);
      expect(shardPids.filter(isAlive)).toHaveLength(2);
      expect(await manager.stop("SIGTERM")).toBe(0);
      const stopped = manager.logs.filter(logged("stopped")).map((entry) => entry.shard ?? "manager");
      expect(stopped.sort()).toEqual([0, 1, "manager"]);
      expect(shardPids.filter(isAlive)).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );
});

describe("DISCORD_SHARD_IDS: several machines, each running its part of one bot's shards", () => {
  it(
    "each process identifies and answers only its shards' guilds; the one holding shard 0 registers the commands",
    async () => {
      const split = await ShardedFakeDiscord.start({ shardCount: 2, maxConcurrency: 16 });
      try {
        const machineEnv = (ids: string) =>
          shardedEnv({
            DISCORD_TOKEN: split.token,
            DISCORD_API_URL: split.apiUrl,
            DISCORD_SHARDS: "2",
            DISCORD_SHARD_IDS: ids,
          });
        const options = { entry: "app/sharded.ts", readyLog: "all shards ready" };
        const [first, second] = await Promise.all([
          fleet.start(machineEnv("0"), options),
          fleet.start(machineEnv("1"), options),
        ]);
        const startedBy = (bot: typeof first) =>
          bot.logs.filter(logged("shard process started")).map((entry) => entry.shard);
        expect(startedBy(first)).toEqual([0]);
        expect(startedBy(second)).toEqual([1]);
        expect([...split.gateway.identifies].sort()).toEqual([
          [0, 2],
          [1, 2],
        ]);

        const [guild0, guild1] = split.guilds;
        if (!guild0 || !guild1) throw new Error("the fake has no guilds");
        for (const guild of [guild0, guild1]) {
          expect(split.mentionBot(guild, `hello from guild ${guild.shard}`).delivered).toBe(1);
        }
        for (const guild of [guild0, guild1]) {
          await split.waitFor(`the answer in guild ${guild.shard}`, () =>
            split
              .botMessagesIn(guild.channel.id)
              .some((stored) => stored.message.content === `Echo: hello from guild ${guild.shard}`),
          );
          expect(split.botMessagesIn(guild.channel.id)).toHaveLength(1);
        }
        const answeredBy = (bot: typeof first) =>
          bot.logs
            .filter(logged("discord: answering a message"))
            .map((entry) => [entry.guildId, entry.shard]);
        expect(answeredBy(first)).toEqual([[guild0.id, 0]]);
        expect(answeredBy(second)).toEqual([[guild1.id, 1]]);

        // Each manager reports its own shards only.
        expect(await (await fetch(`${first.base}/readyz`)).json()).toEqual({
          ready: true,
          checks: { "shard-0": true },
        });
        expect(await (await fetch(`${second.base}/readyz`)).json()).toEqual({
          ready: true,
          checks: { "shard-1": true },
        });

        // Slash commands are global to the application: registered once, by the holder of shard 0.
        await first.waitForLog(logged("discord: slash commands registered"));
        expect(second.logs.filter(logged("discord: slash commands registered"))).toHaveLength(0);
        expect(split.commandRegistrations).toBe(1);

        expect(await Promise.all([first.stop("SIGTERM"), second.stop("SIGTERM")])).toEqual([0, 0]);
      } finally {
        await split.close();
      }
    },
    E2E_TIMEOUT_MS,
  );
});

describe("npm run start:sharded when the shards cannot start", () => {
  it("exits 1 with a clear message, starting no shard, when Discord rejects the token", async () => {
    const manager = await fleet.launch(
      shardedEnv({ DISCORD_TOKEN: "not-the-token-CANARY" }),
      "app/sharded.ts",
    );
    expect(await manager.exited()).toBe(1);
    expect(manager.stderr()).toContain("Discord rejected DISCORD_TOKEN");
    expect(manager.stderr()).not.toContain("CANARY");
    expect(manager.logs.filter(logged("shard process started"))).toHaveLength(0);
  });

  it(
    "exits with the shards' code (69) once, without respawning them, when Redis is unreachable",
    async () => {
      const closedPort = await freePort();
      const manager = await fleet.launch(
        shardedEnv({ REDIS_URL: `redis://127.0.0.1:${closedPort}` }),
        "app/sharded.ts",
      );
      expect(await manager.exited()).toBe(69);
      expect(manager.stderr()).toContain(`Could not connect to Redis at redis://127.0.0.1:${closedPort}`);
      expect(manager.stderr()).toContain("Could not start the Discord shards");
      // One wave of two shards, each started once: no respawn loop.
      const started = manager.logs.filter(logged("shard process started")).map((entry) => entry.shard);
      expect(started.sort()).toEqual([0, 1]);
    },
    E2E_TIMEOUT_MS,
  );
});
