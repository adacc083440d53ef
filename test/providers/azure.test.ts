import { afterEach, describe, expect, it } from "vitest";
import { TEST_OPENAI_KEY } from "../support/services.ts";
import { loadTranscript } from "./replay-server.ts";
import { deltaText, startReplayBot } from "./support.ts";

let bot: Awaited<ReturnType<typeof startReplayBot>>;

afterEach(async () => {
  await bot.close();
});

describe("OPENAI_PROVIDER=azure", () => {
  it("calls the deployment's URL with the API version and the key in the api-key header", async () => {
    bot = await startReplayBot({
      OPENAI_PROVIDER: "azure",
      OPENAI_API_VERSION: "2024-10-21",
      OPENAI_MODEL: "my-gpt-deployment",
    });
    const transcript = loadTranscript("azure/model-router-stream.http");
    bot.replay.play(transcript);
    const { result } = await bot.ask("q");
    expect(result.failure).toBeUndefined();
    expect(result.text).toBe(deltaText(transcript, "content"));
    const [request] = bot.replay.requests;
    const url = new URL(request?.url ?? "", "http://host");
    expect(url.pathname).toMatch(/\/openai\/deployments\/my-gpt-deployment\/chat\/completions$/);
    expect(url.searchParams.get("api-version")).toBe("2024-10-21");
    expect(request?.headers["api-key"]).toBe(TEST_OPENAI_KEY);
    expect(request?.headers.authorization).toBeUndefined();
  });
});
