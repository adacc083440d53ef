import { createDiscordAdapter } from "../../adapters/discord/index.ts";
import { joinSplitMessage } from "../../src/text/split-message.ts";
import { mention, sendUserMessage } from "../../test/fakes/discord/actors.ts";
import { FakeDiscord, type RestCall } from "../../test/fakes/discord/server.ts";
import { createBenchBot } from "../support/bot.ts";
import type { PlatformWrite, StreamRun } from "./timeline.ts";
import { type StreamShape, startStreamingUpstream, streamedAnswer } from "./upstream.ts";

const messagePost = /^\/channels\/\d+\/messages$/;
const messageEdit = /^\/channels\/\d+\/messages\/(\d+)$/;

/** Snowflakes are increasing integers: creation order. */
const bySnowflake = (a: { id: string }, b: { id: string }) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1);

/**
 * A mention in a channel of the fake Discord, answered by the real adapter (discord.js) with the real
 * engine and client, streaming from the fake OpenAI. Every REST call is stamped when the fake records it.
 */
export async function runDiscordStream(shape: StreamShape, seed: number): Promise<StreamRun> {
  const answer = streamedAnswer(shape, seed);
  const { fake: upstream, seen } = await startStreamingUpstream(shape, answer);
  const discord = await FakeDiscord.start();
  const bot = createBenchBot(upstream.url, {
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    CACHE_TTL_SECONDS: "0",
  });
  const adapter = createDiscordAdapter(bot);
  const stamps = new Map<RestCall, number>();
  const stampNew = () => {
    const now = performance.now();
    for (const call of discord.calls) if (!stamps.has(call)) stamps.set(call, now);
  };
  const { state } = discord;
  const channel = state.channels.general.id;
  const shown = () => {
    const parts = state.botMessagesIn(channel).sort(bySnowflake);
    try {
      return joinSplitMessage(parts.map((part) => part.content));
    } catch {
      return undefined; // a preview mid-way through a code block; not final yet
    }
  };
  try {
    await adapter.start();
    stampNew();
    sendUserMessage(discord, { channelId: channel, content: `${mention(state.bot)} tell me a long story` });
    await discord.waitFor(
      "the complete answer",
      () => {
        stampNew();
        return shown() === answer;
      },
      shape.firstByteMs + shape.durationMs + 30_000,
    );
  } finally {
    await adapter.stop();
    await discord.close();
    await upstream.close();
  }
  // The k-th message post created the k-th bot message (one write at a time, in order).
  const created = [...state.messages.values()]
    .filter((stored) => stored.message.author.id === state.bot.id && stored.message.channel_id === channel)
    .map((stored) => stored.message)
    .sort(bySnowflake);
  const writes: PlatformWrite[] = [];
  let posts = 0;
  for (const call of discord.calls) {
    if (call.status >= 300) continue;
    const at = stamps.get(call) ?? Number.NaN;
    if (call.method === "POST" && messagePost.test(call.path)) {
      const messageId = created[posts++]?.id ?? `unknown-${posts}`;
      writes.push({ messageId, kind: "post", at, carriesAnswer: true });
    } else if (call.method === "PATCH") {
      const match = messageEdit.exec(call.path);
      if (match) writes.push({ messageId: match[1] ?? "", kind: "edit", at, carriesAnswer: true });
    }
  }
  return { platform: "Discord", ...seen, writes, finalExact: shown() === answer };
}
