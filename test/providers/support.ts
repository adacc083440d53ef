import { parseConfig } from "../../src/config/config.ts";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { EngineProgress, EngineResult } from "../../src/engine/events.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createServices } from "../../src/services.ts";
import { turn } from "../integration/engine-support.ts";
import { LogCapture } from "../support/log-capture.ts";
import { JumpingClock, TEST_OPENAI_KEY } from "../support/services.ts";
import { type ReplayOptions, startReplayServer, type Transcript } from "./replay-server.ts";

/** The real services (engine, client, stores) talking to a replay of recorded provider responses. */
export async function startReplayBot(env: Record<string, string> = {}, options: ReplayOptions = {}) {
  const replay = await startReplayServer(options);
  const config = parseConfig({
    OPENAI_API_KEY: TEST_OPENAI_KEY,
    OPENAI_BASE_URL: replay.url,
    OPENAI_MODEL: "test-model",
    LLM_TIMEOUT_MS: "2000",
    ...env,
  });
  const logs = new LogCapture();
  const logger = createLogger("debug", logs);
  const clock = new JumpingClock();
  const services = createServices(config, logger, { clock });

  async function ask(text: string, overrides: Partial<InboundTurn> = {}) {
    const deltas: string[] = [];
    const progress: EngineProgress[] = [];
    let result: EngineResult | undefined;
    for await (const event of services.engine.ask(turn(text, overrides), {
      onProgress: (item) => progress.push(item),
    })) {
      if (event.type === "delta") deltas.push(event.text);
      else result = event.result;
    }
    if (!result) throw new Error("no final result");
    return { deltas, progress, result };
  }

  return { replay, services, logs, clock, ask, close: () => replay.close() };
}

/** The parsed `data:` chunks of an SSE transcript. */
export function chunksOf(transcript: Transcript): Record<string, unknown>[] {
  return transcript.body
    .toString("utf8")
    .split("\n\n")
    .filter((event) => event.startsWith("data: ") && !event.startsWith("data: [DONE]"))
    .map((event) => JSON.parse(event.slice("data: ".length)) as Record<string, unknown>);
}

/** One string field of every chunk's first choice's delta, joined: what the provider streamed there. */
export function deltaText(transcript: Transcript, field: string): string {
  return chunksOf(transcript)
    .map((chunk) => {
      const choices = chunk.choices as { delta?: Record<string, unknown> }[] | undefined;
      const value = choices?.[0]?.delta?.[field];
      return typeof value === "string" ? value : "";
    })
    .join("");
}
