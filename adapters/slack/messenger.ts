import type { webApi } from "@slack/bolt";

/** The two Web API calls a reply needs; one seam so the renderer is testable on its own. */
export interface SlackMessenger {
  /** Posts a message and returns its ts. `threadTs` undefined posts at the channel's top level. */
  post(channelId: string, text: string, threadTs: string | undefined): Promise<string>;
  update(channelId: string, ts: string, text: string): Promise<void>;
  remove(channelId: string, ts: string): Promise<void>;
  /** chat.startStream: a streamed reply in a thread, for `recipient`; returns its ts. */
  startStream(place: StreamPlace, markdown: string): Promise<string>;
  appendStream(channelId: string, ts: string, markdown: string): Promise<void>;
  stopStream(channelId: string, ts: string, markdown: string): Promise<void>;
}

/** Where Slack streams an answer: a thread, and the person (and their team) it answers. */
export interface StreamPlace {
  channelId: string;
  threadTs: string;
  recipientTeamId: string;
  recipientUserId: string;
}

export class WebClientMessenger implements SlackMessenger {
  constructor(private readonly client: webApi.WebClient) {}

  async post(channelId: string, text: string, threadTs: string | undefined): Promise<string> {
    const response = await this.client.chat.postMessage({
      channel: channelId,
      text,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      // Answers often cite links; a preview card for each would bury the answer.
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!response.ts) throw new Error("chat.postMessage answered without a ts");
    return response.ts;
  }

  async update(channelId: string, ts: string, text: string): Promise<void> {
    await this.client.chat.update({ channel: channelId, ts, text });
  }

  async remove(channelId: string, ts: string): Promise<void> {
    await this.client.chat.delete({ channel: channelId, ts });
  }

  async startStream(place: StreamPlace, markdown: string): Promise<string> {
    const response = await this.client.chat.startStream({
      channel: place.channelId,
      thread_ts: place.threadTs,
      recipient_team_id: place.recipientTeamId,
      recipient_user_id: place.recipientUserId,
      markdown_text: markdown,
    });
    if (!response.ts) throw new Error("chat.startStream answered without a ts");
    return response.ts;
  }

  async appendStream(channelId: string, ts: string, markdown: string): Promise<void> {
    await this.client.chat.appendStream({ channel: channelId, ts, markdown_text: markdown });
  }

  async stopStream(channelId: string, ts: string, markdown: string): Promise<void> {
    await this.client.chat.stopStream({
      channel: channelId,
      ts,
      ...(markdown === "" ? {} : { markdown_text: markdown }),
    });
  }
}
