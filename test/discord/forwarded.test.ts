import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translate } from "../../src/i18n/translate.ts";
import { type ApiMessage, ChannelTypes, snowflake } from "../fakes/discord/payloads.ts";
import { type DiscordHarness, startDiscordHarness } from "./harness.ts";

let h: DiscordHarness;
beforeAll(async () => {
  h = await startDiscordHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The recorded forward (see test/fixtures/discord/SOURCE.md), sent to the bot's DM with real ids. */
function forwardedToDm(dmChannelId: string): ApiMessage {
  const recorded = JSON.parse(
    readFileSync(new URL("../fixtures/discord/forwarded-message.json", import.meta.url), "utf8"),
  );
  const { guild_id: _guild, ...rest } = recorded;
  return {
    ...rest,
    id: snowflake(),
    channel_id: dmChannelId,
    channel_type: ChannelTypes.DM,
    author: h.fake.state.alice,
    message_reference: {
      ...recorded.message_reference,
      message_id: snowflake(),
      channel_id: snowflake(),
      guild_id: snowflake(),
    },
  };
}

describe("forwarded messages (#4)", () => {
  it("a message forwarded to the bot's DM is read from its snapshot and said to be forwarded", async () => {
    const dm = snowflake();
    const forwarded = forwardedToDm(dm);
    expect(forwarded.content).toBe("");
    h.fake.state.store(forwarded);
    h.fake.dispatch("MESSAGE_CREATE", forwarded);

    const answer = await h.fake.waitFor("the answer to the forward", () =>
      h.fake.state.botMessagesIn(dm).find((message) => message.content.startsWith("Echo:")),
    );
    await h.adapter.idle();
    const question = `${translate("en", "note.forwarded")}\nForwarded`;
    expect(answer.content.startsWith(`Echo: ${question}`)).toBe(true);
    expect(h.fakeOpenAI.requests).toHaveLength(1);
  });
});
