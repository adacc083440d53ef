import type { EngineNotice, Logger } from "../../src/index.ts";
import { errorSummary } from "./errors.ts";
import { escapeMrkdwn } from "./escape.ts";
import type { SlackMessenger } from "./messenger.ts";

/**
 * Slack conversation ids (public C…, private G…, DM D…). ADMIN_CHANNEL_ID may also hold Discord
 * channel ids, which are all digits: those are the Discord adapter's.
 */
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

export function slackNoticeChannels(adminChannelIds: readonly string[]): string[] {
  return adminChannelIds.filter((id) => SLACK_CHANNEL_ID.test(id));
}

/**
 * Posts an operator notice (a budget warning) to every Slack admin channel. One channel failing
 * (the bot was removed from it) does not keep the notice from the others; failures are logged.
 */
export async function postNoticeToChannels(
  messenger: SlackMessenger,
  channels: readonly string[],
  notice: EngineNotice,
  logger: Logger,
): Promise<void> {
  const text = escapeMrkdwn(notice.text);
  await Promise.all(
    channels.map((channel) =>
      messenger.post(channel, text, undefined).catch((error: unknown) => {
        logger.warn({ error: errorSummary(error), channel }, "slack could not post a notice");
      }),
    ),
  );
}
