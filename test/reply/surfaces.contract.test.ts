import { PassThrough } from "node:stream";
import { webApi } from "@slack/bolt";
import type { Client, SendableChannels } from "discord.js";
import { afterAll, beforeAll } from "vitest";
import { TerminalSurface } from "../../adapters/console/terminal-surface.ts";
import { createDiscordClient } from "../../adapters/discord/client.ts";
import { ChannelSurface } from "../../adapters/discord/surfaces.ts";
import { decodeMrkdwnEntities } from "../../adapters/slack/escape.ts";
import { WebClientMessenger } from "../../adapters/slack/messenger.ts";
import { MIN_PART_LIMIT } from "../../adapters/slack/render-parts.ts";
import { SlackThreadSurface } from "../../adapters/slack/thread-surface.ts";
import { slackClientOptions } from "../../adapters/slack/web-client.ts";
import type { ReplySurface } from "../../src/index.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { replySurfaceContract } from "../contracts/reply-surface.contract.ts";
import { FakeDiscord } from "../fakes/discord/server.ts";
import { type FakeSlack, startFakeSlack } from "../fakes/slack/web-api.ts";
import { RecordingSurface } from "../support/recording-surface.ts";

replySurfaceContract({
  name: "in memory",
  async create() {
    const surface = new RecordingSurface("typing");
    return {
      surface,
      shown: async () => [...surface.shown.values()],
      writes: async () => ({
        posts: surface.count("post"),
        edits: surface.count("edit"),
        deletes: surface.count("delete"),
      }),
      refuseNextEdit: () => {
        surface.refuseEdits += 1;
      },
    };
  },
});

replySurfaceContract({
  name: "terminal",
  appendOnly: "a terminal cannot take back, refuse or split what it printed",
  async create() {
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => {
      printed += chunk.toString("utf8");
    });
    const surface = new TerminalSurface(output);
    const writes = { posts: 0, edits: 0, deletes: 0 };
    const counted: ReplySurface = {
      messageLimit: surface.messageLimit,
      pending: surface.pending,
      appendOnly: true,
      post: (index, content) => {
        writes.posts += 1;
        return surface.post(index, content);
      },
      edit: (index, id, content) => {
        writes.edits += 1;
        return surface.edit(index, id, content);
      },
      delete: async () => {
        writes.deletes += 1;
      },
    };
    return {
      surface: counted,
      shown: async () => (printed === "" ? [] : [printed]),
      writes: async () => writes,
      refuseNextEdit: () => {},
    };
  },
});

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

replySurfaceContract({
  name: "Slack thread (real WebClient, fake Web API)",
  async create() {
    const client = new webApi.WebClient(
      "xoxb-test",
      slackClientOptions({ slackApiUrl: slack.apiUrl, logger: silentLogger, retryConfig: { retries: 0 } }),
    );
    // Suites run one test at a time: each test starts from an empty workspace.
    slack.calls.length = 0;
    slack.messages.length = 0;
    const place = { channelId: "C1", threadTs: "100.1" };
    return {
      surface: new SlackThreadSurface(new WebClientMessenger(client), place, MIN_PART_LIMIT),
      shown: async () =>
        slack
          .messagesIn(place.channelId, place.threadTs)
          .map((message) => decodeMrkdwnEntities(message.text)),
      writes: async () => ({
        posts: slack.callsTo("chat.postMessage").length,
        edits: slack.callsTo("chat.update").length,
        deletes: slack.callsTo("chat.delete").length,
      }),
      refuseNextEdit: () => slack.failNext("chat.update", { kind: "error", error: "cant_update_message" }),
    };
  },
});

let discord: FakeDiscord;
let client: Client;
beforeAll(async () => {
  discord = await FakeDiscord.start();
  client = createDiscordClient(discord.apiUrl, { waitGuildTimeout: 100 });
  const ready = new Promise((resolve) => client.once("clientReady", resolve));
  await client.login(discord.token);
  await ready;
});
afterAll(async () => {
  await client.destroy();
  await discord.close();
});

replySurfaceContract({
  name: "Discord channel (real discord.js, fake REST)",
  async create() {
    const channelId = discord.state.channels.general.id;
    const channel = (await client.channels.fetch(channelId)) as SendableChannels;
    const before = new Set(discord.state.botMessagesIn(channelId).map((message) => message.id));
    const callsBefore = discord.calls.length;
    const since = (method: string) =>
      discord.calls
        .slice(callsBefore)
        .filter((call) => call.method === method && /\/messages/.test(call.path));
    return {
      surface: new ChannelSurface(channel, { kind: "send" }),
      shown: async () =>
        discord.state
          .botMessagesIn(channelId)
          .filter((message) => !before.has(message.id))
          .map((message) => message.content),
      writes: async () => ({
        posts: since("POST").length,
        edits: since("PATCH").length,
        deletes: since("DELETE").length,
      }),
      refuseNextEdit: () =>
        discord.fail({
          method: "PATCH",
          path: /\/messages\//,
          status: 404,
          body: { message: "Unknown Message", code: 10008 },
        }),
    };
  },
});
