import { startFakeOpenAI } from "../../test/fakes/openai-server.ts";

/**
 * Child-process entry: the project's fake OpenAI server (instant echo answers) on 127.0.0.1, in its
 * own process so the parent's CPU accounting holds only the bot's work. Reports its URL over IPC and
 * exits when the parent disconnects.
 */
const fake = await startFakeOpenAI();
process.send?.({ url: fake.url });
process.on("disconnect", () => {
  void fake.close().finally(() => process.exit(0));
});
