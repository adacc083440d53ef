import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_PLACEHOLDER_DELAY_MS } from "../../adapters/slack/answer.ts";
import { translate } from "../../src/i18n/translate.ts";
import { echoResponder } from "../fakes/openai-server.ts";
import { fileShared, mentionEvent, messageEvent } from "../fakes/slack/signed-requests.ts";
import { type SlackHarness, startSlackHarness } from "./harness.ts";
import { answerIn, privateReply, sendCommand, sendEvent, textsIn } from "./requests.ts";

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ USER_RATE_LIMIT_PER_MINUTE: "1" });
  h.slack.setUser("UZH", { displayName: "李雷", locale: "zh-CN" });
  h.slack.setUser("UEN", { displayName: "Bob", locale: "en-US" });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.core.fakeOpenAI.reset();
});

describe("a zh-CN user (users.info locale)", () => {
  it("gets the placeholder, refusals and command texts in Simplified Chinese", async () => {
    // A model slow to answer: the placeholder shows once the adapter's delay has passed.
    let answerNow = () => {};
    const slowModel = new Promise<void>((resolve) => {
      answerNow = resolve;
    });
    h.core.fakeOpenAI.setResponder(async (request) => {
      await slowModel;
      return echoResponder(request);
    });
    await sendEvent(h, mentionEvent({ user: "UZH", channel: "C1", ts: "1.1", text: "<@UBOT> 你好" }));
    await vi.waitFor(() => expect(h.core.fakeOpenAI.requests).toHaveLength(1));
    h.clock.advance(DEFAULT_PLACEHOLDER_DELAY_MS);
    await h.slack.waitFor(
      () => h.slack.callsTo("chat.postMessage").some((call) => call.params.thread_ts === "1.1"),
      "the placeholder",
    );
    const placeholder = h.slack.callsTo("chat.postMessage").find((call) => call.params.thread_ts === "1.1");
    expect(placeholder?.params.text).toBe("…思考中");
    answerNow();
    await answerIn(h, "C1", "1.1", "Echo: 你好");
    h.core.fakeOpenAI.reset();

    await sendEvent(h, mentionEvent({ user: "UZH", channel: "C1", ts: "2.1", text: "<@UBOT> 再问" }));
    await answerIn(h, "C1", "2.1", translate("zh-CN", "error.slow_down"));

    const help = await sendCommand(h, { command: "/help", text: "", user: "UZH", channel: "C1" });
    expect(await privateReply(h, help.id)).toContain("命令：/ask");
    const usage = await sendCommand(h, { command: "/usage", text: "", user: "UZH", channel: "C1" });
    expect(await privateReply(h, usage.id)).toContain("本对话");
    const config = await sendCommand(h, { command: "/config", text: "show", user: "UZH", channel: "C1" });
    expect(await privateReply(h, config.id)).toBe(translate("zh-CN", "error.not_admin"));
    // users.info is asked once; the locale comes from its cache afterwards (/config looks up afresh).
    expect(h.slack.callsTo("users.info").filter((call) => call.params.user === "UZH")).toHaveLength(2);
    expect(h.slack.callsTo("users.info")[0]?.params.include_locale).toBe("true");
  });

  it("speaks English to an en-US user in the same workspace", async () => {
    const help = await sendCommand(h, { command: "/help", text: "", user: "UEN", channel: "C1" });
    expect(await privateReply(h, help.id)).toContain("Commands: /ask");
  });
});

describe("files the bot cannot read", () => {
  it("answers the text with a note that the attachment was ignored", async () => {
    await sendEvent(
      h,
      mentionEvent({
        user: "UEN",
        channel: "C2",
        ts: "3.1",
        text: "<@UBOT> summarize this",
        files: [fileShared()],
      }),
    );
    await h.slack.waitFor(
      () => textsIn(h, "C2", "3.1")[0]?.startsWith("Echo: summarize this\n") ?? false,
      "answer",
    );
    expect(textsIn(h, "C2", "3.1")[0]?.replaceAll("\u200b", "")).toBe(
      `Echo: summarize this\n\n_${translate("en", "note.unsupported_attachment")}_`,
    );
  });

  it("replies to a bare file with the note alone, in the user's language, and asks nothing upstream", async () => {
    await sendEvent(
      h,
      messageEvent({
        user: "UZH",
        channel: "D1",
        channelType: "im",
        ts: "4.1",
        text: "",
        subtype: "file_share",
        files: [fileShared("图.png")],
      }),
    );
    await answerIn(h, "D1", undefined, translate("zh-CN", "note.unsupported_attachment"));
    expect(h.core.fakeOpenAI.requests).toHaveLength(0);
  });
});
