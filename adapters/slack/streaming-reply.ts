import type { Logger } from "../../src/observability/logger.ts";
import { type Clock, systemClock } from "./clock.ts";
import { errorSummary } from "./errors.ts";
import type { SlackMessenger } from "./messenger.ts";
import { DEFAULT_PART_LIMIT, PartRenderer } from "./render-parts.ts";

export interface StreamingReplyOptions {
  messenger: SlackMessenger;
  channelId: string;
  /** Thread the reply lives in; undefined for a DM's top level. */
  threadTs: string | undefined;
  logger: Logger;
  /** Minimum time between two rounds of writes; chat.update is rate limited. */
  updateIntervalMs?: number;
  partLimit?: number;
  clock?: Clock;
}

interface PostedPart {
  ts: string;
  text: string;
}

/**
 * One answer on its way into Slack. A placeholder first; then, at most once per interval and never
 * two rounds at once, the text so far: the placeholder is updated, and when the answer outgrows one
 * message the next part is posted below it and updated in turn. The final round always runs and
 * always lands: a part whose update fails is posted as a new message instead.
 */
export class StreamingReply {
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private readonly renderer: PartRenderer;
  private readonly parts: PostedPart[];
  private latest = "";
  private written = "";
  private lastRoundAt: number;
  private timer: unknown;
  private inFlight: Promise<void> | undefined;
  private finished = false;
  /** Rounds of interim writes so far (the final round not counted). */
  interimRounds = 0;

  private constructor(
    private readonly options: StreamingReplyOptions,
    placeholder: PostedPart,
    renderer?: PartRenderer,
  ) {
    this.intervalMs = options.updateIntervalMs ?? 1000;
    this.clock = options.clock ?? systemClock;
    this.renderer = renderer ?? new PartRenderer(options.partLimit ?? DEFAULT_PART_LIMIT);
    this.parts = [placeholder];
    this.lastRoundAt = this.clock.now();
  }

  /** Posts the placeholder; rejects when Slack refuses it (e.g. not_in_channel). */
  static async open(options: StreamingReplyOptions, placeholder: string): Promise<StreamingReply> {
    const ts = await options.messenger.post(options.channelId, placeholder, options.threadTs);
    return new StreamingReply(options, { ts, text: placeholder });
  }

  /**
   * Posts the first part of an answer that is already complete (no placeholder); `finish` with the
   * same text then posts the remaining parts without touching the first. Rejects when Slack refuses.
   */
  static async openWithText(options: StreamingReplyOptions, markdown: string): Promise<StreamingReply> {
    const renderer = new PartRenderer(options.partLimit ?? DEFAULT_PART_LIMIT);
    const first = renderer.render(markdown)[0] as string;
    const ts = await options.messenger.post(options.channelId, first, options.threadTs);
    return new StreamingReply(options, { ts, text: first }, renderer);
  }

  /** ts of the first message (the placeholder). */
  get ts(): string {
    return (this.parts[0] as PostedPart).ts;
  }

  /** The answer so far, as Markdown. Cheap to call on every delta: writes are throttled. */
  show(markdown: string): void {
    if (this.finished) return;
    this.latest = markdown;
    this.schedule();
  }

  /** Resolves once no interim round is running; lets tests step a manual clock. */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** Writes the complete answer; resolves when every part is in Slack. */
  async finish(markdown: string): Promise<void> {
    this.finished = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.settled();
    await this.write(markdown, true);
  }

  /** Removes everything posted, placeholder included: for answers that must not be shown. */
  async discard(): Promise<void> {
    this.finished = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.settled();
    await this.removeLeftovers(0);
  }

  private schedule(): void {
    if (this.finished || this.inFlight || this.timer !== undefined || this.latest === this.written) return;
    const wait = this.lastRoundAt + this.intervalMs - this.clock.now();
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    const markdown = this.latest;
    this.lastRoundAt = this.clock.now();
    this.interimRounds += 1;
    this.inFlight = this.write(markdown, false)
      .catch((error: unknown) => {
        // A lost interim write is harmless: the next round, or the final one, carries all the text.
        this.options.logger.debug({ error: errorSummary(error) }, "slack interim update failed");
      })
      .finally(() => {
        this.written = markdown;
        this.inFlight = undefined;
        this.schedule();
      });
  }

  /** Brings the posted messages in line with `markdown`: update changed parts, post new ones. */
  private async write(markdown: string, final: boolean): Promise<void> {
    const { messenger, channelId, threadTs, logger } = this.options;
    const texts = this.renderer.render(markdown);
    for (const [index, text] of texts.entries()) {
      const posted = this.parts[index];
      if (!posted) {
        this.parts.push({ ts: await messenger.post(channelId, text, threadTs), text });
        continue;
      }
      if (posted.text === text) continue;
      try {
        await messenger.update(channelId, posted.ts, text);
        posted.text = text;
      } catch (error) {
        if (!final) throw error;
        logger.warn(
          { error: errorSummary(error) },
          "slack final chat.update failed; posting the part instead",
        );
        const stale = posted.ts;
        posted.ts = await messenger.post(channelId, text, threadTs);
        posted.text = text;
        // The message that would not update still shows a placeholder or half an answer.
        await messenger.remove(channelId, stale).catch((removal: unknown) => {
          logger.warn({ error: errorSummary(removal) }, "slack could not delete the stale part");
        });
      }
    }
    if (final) await this.removeLeftovers(texts.length);
  }

  /** Parts posted while streaming that the final text no longer has (it came out shorter). */
  private async removeLeftovers(keep: number): Promise<void> {
    const { messenger, channelId, logger } = this.options;
    for (const part of this.parts.splice(keep)) {
      await messenger.remove(channelId, part.ts).catch((error: unknown) => {
        logger.warn({ error: errorSummary(error) }, "slack could not delete a leftover part");
      });
    }
  }
}
