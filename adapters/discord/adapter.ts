import { type Client, type ClientOptions, Events, REST, Routes } from "discord.js";
import {
  type Adapter,
  type AdapterServices,
  type EngineNotice,
  InFlightWork,
  type RotatableSecret,
} from "../../src/index.ts";
import { createDiscordClient } from "./client.ts";
import type { DiscordContext } from "./context.ts";
import { ConversationMemory } from "./conversations.ts";
import { DiscordStartError, describeError, isMissingPermission } from "./errors.ts";
import { handleInteraction } from "./interaction-handler.ts";
import { handleMessage } from "./message-handler.ts";
import { registerCommands } from "./registration.ts";
import { noPings } from "./surfaces.ts";

/** Discord snowflakes; ADMIN_CHANNEL_ID may also hold Slack channel ids. */
const DISCORD_ID = /^\d{15,22}$/;

export interface DiscordAdapterOptions {
  /** Passed to the discord.js Client, e.g. a short `waitGuildTimeout` in tests. */
  clientOptions?: Partial<ClientOptions>;
  /** How long `stop` waits for answers in progress before disconnecting. */
  drainTimeoutMs?: number;
}

/** Turns the library's terse login failures into what an operator should do. */
function startError(error: unknown): DiscordStartError {
  const { message, status } = describeError(error);
  const text = String(message);
  if (status === 401 || /invalid token/i.test(text)) {
    return new DiscordStartError(
      "Discord rejected DISCORD_TOKEN. Copy the bot token again (Developer Portal → your app → Bot → Reset Token).",
      { cause: error },
    );
  }
  if (/disallowed intents/i.test(text)) {
    return new DiscordStartError(
      "Discord refused the Message Content intent. Enable it: Developer Portal → your app → Bot → Privileged Gateway Intents → Message Content Intent.",
      { cause: error },
    );
  }
  return new DiscordStartError(`Could not connect to Discord: ${text}`, { cause: error });
}

/**
 * The Discord side of the bot: one gateway connection, handlers for messages and slash commands,
 * and command registration at startup. Every handler runs tracked, so `stop` can let answers in
 * progress finish, and every failure is caught and logged: nothing Discord does crashes the process.
 */
export class DiscordAdapter implements Adapter {
  readonly name = "discord";
  private client: Client | undefined;
  private accepting = false;
  private readonly work = new InFlightWork();
  private readonly memory = new ConversationMemory();

  constructor(
    private readonly services: AdapterServices,
    private readonly options: DiscordAdapterOptions = {},
  ) {}

  async start(): Promise<void> {
    const { config, logger } = this.services;
    const token = config.DISCORD_TOKEN;
    if (!token) throw new DiscordStartError("DISCORD_TOKEN is not set.");
    this.accepting = true;
    let readyClient: Client<true>;
    try {
      readyClient = await this.connect(token);
    } catch (error) {
      this.accepting = false;
      throw error;
    }
    logger.info(
      { botUserId: readyClient.user.id, guilds: readyClient.guilds.cache.size },
      "discord: connected",
    );
    await this.registerCommands(readyClient);
  }

  /**
   * DISCORD_TOKEN swapped while running: the new token must name the same bot (GET /users/@me), then
   * a new gateway connection is opened with it. Events go to the new connection once it is ready;
   * the old one closes when the answers it was writing are done (a message seen on both connections
   * meanwhile is answered once: handlers dedupe by message id).
   */
  rotatableSecrets(): RotatableSecret[] {
    return [
      {
        name: "DISCORD_TOKEN",
        validate: async (token) => {
          // A one-off client: no sweeper timers left behind by each check.
          const rest = new REST({
            api: this.services.config.DISCORD_API_URL,
            hashSweepInterval: 0,
            handlerSweepInterval: 0,
          }).setToken(token);
          const me = (await rest.get(Routes.user())) as { id?: string };
          if (!this.client?.user || me.id !== this.client.user.id) {
            throw new DiscordStartError("The new DISCORD_TOKEN belongs to another bot.");
          }
        },
        apply: (token) => this.reconnect(token),
      },
    ];
  }

  private async reconnect(token: string): Promise<void> {
    const { logger } = this.services;
    const old = this.client;
    const next = await this.connect(token);
    old?.removeAllListeners(Events.MessageCreate).removeAllListeners(Events.InteractionCreate);
    logger.info({ botUserId: next.user.id }, "discord: reconnected with the new token");
    void this.idle()
      .then(() => old?.destroy())
      .catch((error: unknown) =>
        logger.warn({ error: describeError(error) }, "discord: closing the old connection failed"),
      );
  }

  /** A logged-in client with every handler attached; it becomes the adapter's client once ready. */
  private async connect(token: string): Promise<Client<true>> {
    const { config, logger } = this.services;
    const client = createDiscordClient(config.DISCORD_API_URL, this.options.clientOptions);

    // Without an 'error' listener, a failed REST call inside an event is re-thrown and kills the process.
    client.on(Events.Error, (error) =>
      logger.error({ error: describeError(error) }, "discord: client error"),
    );
    client.on(Events.ShardError, (error, shardId) =>
      logger.warn({ shardId, error: describeError(error) }, "discord: gateway connection error"),
    );
    client.on(Events.Warn, (message) => logger.warn({ detail: message }, "discord: warning"));
    client.on(Events.MessageCreate, (message) => {
      this.track(client, message.channelId, (ctx) => handleMessage(ctx, message));
    });
    client.on(Events.InteractionCreate, (interaction) => {
      this.track(client, interaction.channelId, (ctx) => handleInteraction(ctx, interaction));
    });

    const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
    try {
      await client.login(token);
    } catch (error) {
      await client.destroy();
      throw startError(error);
    }
    const readyClient = await ready;
    this.client = readyClient;
    return readyClient;
  }

  isReady(): boolean {
    return this.accepting && this.client?.isReady() === true;
  }

  /**
   * Budget warnings to the ADMIN_CHANNEL_ID channels that are Discord channels this bot can send
   * in. A channel in another server than the one the notice is about gets the server's name first.
   */
  async postNotice(notice: EngineNotice): Promise<void> {
    const client = this.client;
    if (!client) return;
    const { config, logger } = this.services;
    for (const id of config.ADMIN_CHANNEL_ID.filter((value) => DISCORD_ID.test(value))) {
      const channel = await client.channels.fetch(id).catch((error: unknown) => {
        logger.warn({ channelId: id, error: describeError(error) }, "discord: admin channel not found");
        return null;
      });
      if (!channel?.isSendable()) continue;
      const sameServer = "guildId" in channel && channel.guildId === notice.workspaceId;
      const server = client.guilds.cache.get(notice.workspaceId)?.name ?? notice.workspaceId;
      const content = sameServer ? notice.text : `**${server}**: ${notice.text}`;
      // One unreachable channel (missing permission) must not keep the notice from the others.
      await channel.send({ content, allowedMentions: noPings() }).catch((error: unknown) => {
        logger.warn({ channelId: id, error: describeError(error) }, "discord: could not post a notice");
      });
    }
  }

  async stop(): Promise<void> {
    this.accepting = false;
    // Past the deadline, what still streams ends with a short message instead of half-written.
    await this.work.drain(this.options.drainTimeoutMs ?? this.services.config.SHUTDOWN_TIMEOUT_MS);
    await this.client?.destroy();
    this.client = undefined;
  }

  /** Resolves when no message or command is being handled (tests wait on it before counting calls). */
  idle(): Promise<void> {
    return this.work.idle();
  }

  private async registerCommands(client: Client<true>): Promise<void> {
    // Commands are global to the application: one shard registering them is enough.
    if (client.shard && !client.shard.ids.includes(0)) return;
    const { config, logger } = this.services;
    try {
      const result = await registerCommands(client.rest, client.application.id, config.DISCORD_GUILD_ID);
      logger.info(result, "discord: slash commands registered");
    } catch (error) {
      // Mentions and DMs still work; the operator can retry with `npm run discord:register`.
      logger.warn({ error: describeError(error) }, "discord: slash command registration failed");
    }
  }

  private track(
    client: Client,
    channelId: string | null,
    work: (ctx: DiscordContext) => Promise<void>,
  ): void {
    // Events are only emitted once logged in, so `user` is set; `isReady()` would also turn false
    // during a reconnect, while discord.js replays events queued across it.
    if (!this.accepting || !client?.user) return;
    const ctx: DiscordContext = {
      client: client as Client<true>,
      services: this.services,
      memory: this.memory,
      stopping: this.work.stopping,
      editIntervalMs: this.services.config.DISCORD_EDIT_INTERVAL_MS,
    };
    this.work.run(
      () => work(ctx),
      (error) => this.logFailure(channelId, error),
    );
  }

  private logFailure(channelId: string | null, error: unknown): void {
    const { logger } = this.services;
    if (isMissingPermission(error)) {
      logger.warn({ channelId, error: describeError(error) }, "discord: missing permission; skipped");
    } else {
      logger.error({ channelId, error: describeError(error) }, "discord: could not answer");
    }
  }
}
