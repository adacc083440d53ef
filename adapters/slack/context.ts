import type { AdapterServices } from "../../src/index.ts";
import type { SlackReplySettings } from "./answer.ts";
import type { SlackMessenger } from "./messenger.ts";
import type { AnsweredThreads, BotDirectMessages } from "./thread-memory.ts";
import type { SlackUserDirectory } from "./user-directory.ts";

/** Everything the event and command handlers share while the adapter runs. */
export interface SlackHandlerContext {
  services: AdapterServices;
  botUserId: string;
  /** The workspace the bot token belongs to (auth.test), for admin decisions in shared channels. */
  homeTeamId: string | undefined;
  /** DM channels between a user and the bot (as opposed to DMs between two people). */
  botDirectMessages: BotDirectMessages;
  directory: SlackUserDirectory;
  messenger: SlackMessenger;
  answeredThreads: AnsweredThreads;
  replies: SlackReplySettings;
  /** Aborted when the adapter stops, so that running answers end promptly. */
  signal: AbortSignal;
  /** Runs work after the ack, so that stop() can wait for it; never rejects. */
  runDetached(name: string, work: () => Promise<void>): void;
}
