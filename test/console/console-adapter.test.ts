import { PassThrough, Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../adapters/console/console-adapter.ts";
import { translate } from "../../src/i18n/translate.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import type { Responder } from "../fakes/openai-server.ts";
import { createTestServices, type TestServices } from "../support/services.ts";

let core: TestServices | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

async function chat(lines: string[], responder?: Responder): Promise<{ output: string; core: TestServices }> {
  core = await createTestServices();
  if (responder) core.fakeOpenAI.setResponder(responder);
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => {
    printed += chunk.toString("utf8");
  });
  const adapter = new ConsoleAdapter({
    engine: core.services.engine,
    input: Readable.from([`${lines.join("\n")}\n`]),
    output,
    interactive: false,
    logger: silentLogger,
  });
  await adapter.start();
  await adapter.done();
  return { output: printed, core };
}

describe("the console adapter (npm run chat)", () => {
  it("answers piped questions in order, streamed through the core reply, one line each", async () => {
    const { output, core } = await chat(["hi", "and then?"]);
    expect(output).toBe("Echo: hi\nEcho: and then?\n");
    // One conversation: the second question is sent with the first exchange.
    const second = core.fakeOpenAI.requests[1]?.body.messages.map((m) => m.content);
    expect(second?.slice(-3)).toEqual(["hi", "Echo: hi", "and then?"]);
  });

  it("runs reset, and prints a failure as its short message on a line of its own", async () => {
    const { output, core } = await chat(["reset", "hello", "exit", "never asked"], () => ({
      kind: "error",
      status: 401,
      body: { error: { message: "bad key" } },
    }));
    expect(output).toBe(`${translate("en", "reset.done")}\n${translate("en", "error.misconfigured")}\n`);
    expect(core.fakeOpenAI.requests).toHaveLength(1);
  });
});
