import type { Logger, NativeStream } from "../../src/index.ts";
import { errorSummary, slackErrorCode } from "./errors.ts";
import type { SlackMessenger, StreamPlace } from "./messenger.ts";

/**
 * Slack's chat.startStream takes at most 12,000 characters of markdown per call; an answer longer
 * than one call is posted and updated as parts instead.
 */
const MAX_STREAMED_LENGTH = 12_000;

/**
 * A zero-width space after every `<` and `@` keeps model text from forming a mention or broadcast
 * (`<!channel>`, `<@U…>`, `@here`) in streamed markdown, which our mrkdwn escaping does not cover.
 * It works character by character, so text split across appends is defused the same way.
 */
export function defuseMentions(markdown: string): string {
  return markdown.replace(/[<@]/g, (char) => `${char}\u200b`);
}

/**
 * Where Slack refused to stream (a workspace without the feature, a missing scope): remembered per
 * team for the life of the process, so each team costs one refused call, and logged once.
 */
export class NativeStreamingSupport {
  private readonly refused = new Set<string>();

  constructor(private readonly logger: Logger) {}

  allows(teamId: string): boolean {
    return !this.refused.has(teamId);
  }

  refuse(teamId: string, error: unknown): void {
    if (this.refused.has(teamId)) return;
    this.refused.add(teamId);
    this.logger.warn(
      { teamId, code: slackErrorCode(error), error: errorSummary(error) },
      "slack refused chat.startStream; posting and updating in this workspace instead",
    );
  }
}

/** One answer streamed through Slack's own streaming methods. */
export class SlackNativeStream implements NativeStream {
  readonly maxLength = MAX_STREAMED_LENGTH;
  messageId: string | undefined;

  constructor(
    private readonly messenger: SlackMessenger,
    private readonly place: StreamPlace,
    private readonly support: NativeStreamingSupport,
  ) {}

  async start(markdown: string): Promise<void> {
    try {
      this.messageId = await this.messenger.startStream(this.place, defuseMentions(markdown));
    } catch (error) {
      this.support.refuse(this.place.recipientTeamId, error);
      throw error;
    }
  }

  async append(markdown: string): Promise<void> {
    await this.messenger.appendStream(this.place.channelId, this.ts(), defuseMentions(markdown));
  }

  async stop(markdown: string): Promise<void> {
    await this.messenger.stopStream(this.place.channelId, this.ts(), defuseMentions(markdown));
  }

  async remove(): Promise<void> {
    if (this.messageId) await this.messenger.remove(this.place.channelId, this.messageId);
  }

  private ts(): string {
    if (!this.messageId) throw new Error("the stream was not started");
    return this.messageId;
  }
}
