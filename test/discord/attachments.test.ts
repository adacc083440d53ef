import { afterEach, describe, expect, it } from "vitest";
import { translate } from "../../src/i18n/translate.ts";
import { mention, sendUserMessage } from "../fakes/discord/actors.ts";
import { attachment, snowflake } from "../fakes/discord/payloads.ts";
import { lastUserMessage, type RequestInfo } from "../fakes/openai-server.ts";
import { type DiscordHarness, startDiscordHarness } from "./harness.ts";
import { repliesTo, sendAndSettle } from "./settle.ts";

let h: DiscordHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const note = translate("en", "note.unsupported_attachment");

describe("attachments", () => {
  it("answers the text of a message with a file, noting that the file was not read", async () => {
    h = await startDiscordHarness();
    const { state } = h.fake;
    const question = await sendAndSettle(h, {
      channelId: state.channels.general.id,
      content: `${mention(state.bot)} what is in this screenshot?`,
      attachments: [attachment("screenshot.png")],
    });
    expect(repliesTo(h, question)).toEqual([`Echo: what is in this screenshot?\n\n_${note}_`]);
    expect(lastUserMessage(h.fakeOpenAI.requests[0] as RequestInfo)).toBe("what is in this screenshot?");
  });

  it("answers a file without a question with the note alone, without asking the model", async () => {
    h = await startDiscordHarness();
    const harness = h;
    const { fake } = harness;
    const { state } = fake;
    const mentioned = sendUserMessage(fake, {
      channelId: state.channels.general.id,
      content: mention(state.bot),
      attachments: [attachment("report.pdf", "application/pdf")],
    });
    await fake.waitFor("the note", () => repliesTo(harness, mentioned).length > 0);
    const dm = snowflake();
    sendUserMessage(fake, { channelId: dm, content: "", attachments: [attachment("cat.jpg", "image/jpeg")] });
    await fake.waitFor("the note in the DM", () => state.botMessagesIn(dm).length > 0);
    await harness.adapter.idle();
    expect(repliesTo(harness, mentioned)).toEqual([note]);
    expect(state.botMessagesIn(dm).map((message) => message.content)).toEqual([note]);
    expect(harness.fakeOpenAI.requests).toHaveLength(0);
  });

  it("stays silent about files from someone the bot does not serve in a channel, and refuses in a DM", async () => {
    h = await startDiscordHarness((state) => ({
      ALLOWED_CHANNEL_IDS: state.channels.general.id,
      DMS_ENABLED: "false",
    }));
    const harness = h;
    const { fake } = harness;
    const { state } = fake;
    const refused = sendUserMessage(fake, {
      channelId: state.channels.random.id,
      content: mention(state.bot),
      attachments: [attachment("spam.png")],
    });
    const dm = snowflake();
    sendUserMessage(fake, { channelId: dm, content: "", attachments: [attachment("cat.jpg")] });
    await fake.waitFor("the refusal in the DM", () => state.botMessagesIn(dm).length > 0);
    // Events are handled in the order they arrive: a later answered message means the first is done.
    const allowed = await sendAndSettle(harness, {
      channelId: state.channels.general.id,
      content: `${mention(state.bot)} fine here?`,
    });
    expect(repliesTo(harness, allowed)).toEqual(["Echo: fine here?"]);
    expect(repliesTo(harness, refused)).toEqual([]);
    expect(state.botMessagesIn(state.channels.random.id)).toEqual([]);
    expect(state.botMessagesIn(dm).map((message) => message.content)).toEqual([
      translate("en", "error.dms_disabled"),
    ]);
    expect(harness.fakeOpenAI.requests).toHaveLength(1);
  });
});
