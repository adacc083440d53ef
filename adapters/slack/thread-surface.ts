import type { NativeStream, ReplySurface } from "../../src/index.ts";
import type { SlackMessenger } from "./messenger.ts";
import { markdownToMrkdwn } from "./mrkdwn.ts";
import { DEFAULT_PART_LIMIT, slackPartRenderer } from "./render-parts.ts";

export interface SlackPlace {
  channelId: string;
  /** Thread the reply lives in; undefined posts at the channel's top level (a DM). */
  threadTs: string | undefined;
}

/**
 * An answer in a Slack channel, thread or DM: a placeholder first, replaced by the text; a long
 * answer continues in further messages of the same thread. `showPrivately`, when given, shows a
 * refusal to the asker alone (a public /ask).
 */
export class SlackThreadSurface implements ReplySurface {
  readonly pending = "placeholder";
  readonly messageLimit: number;

  readonly showPrivately?: (text: string) => Promise<boolean>;
  readonly openNativeStream?: () => NativeStream | undefined;

  constructor(
    private readonly messenger: SlackMessenger,
    private readonly place: SlackPlace,
    partLimit = DEFAULT_PART_LIMIT,
    extras: {
      showPrivately?: (text: string) => Promise<boolean>;
      /** Slack's own streaming for this answer, where the workspace allows it. */
      nativeStream?: () => NativeStream | undefined;
    } = {},
  ) {
    slackPartRenderer(partLimit); // validates the limit
    this.messageLimit = partLimit;
    if (extras.showPrivately) this.showPrivately = extras.showPrivately;
    if (extras.nativeStream) this.openNativeStream = extras.nativeStream;
  }

  format(markdown: string): string {
    return markdownToMrkdwn(markdown);
  }

  post(_index: number, content: string): Promise<string> {
    return this.messenger.post(this.place.channelId, content, this.place.threadTs);
  }

  edit(_index: number, ts: string, content: string): Promise<void> {
    return this.messenger.update(this.place.channelId, ts, content);
  }

  delete(_index: number, ts: string): Promise<void> {
    return this.messenger.remove(this.place.channelId, ts);
  }
}
