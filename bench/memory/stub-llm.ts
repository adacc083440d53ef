import type { ChatRequest, LlmChunk, LlmClient } from "../../src/llm/types.ts";
import type { Random } from "../support/random.ts";
import { mixedText } from "../support/text.ts";

/**
 * Answers at once, in-process: memory runs need hundreds of thousands of answers, and the HTTP client
 * keeps no per-conversation state, so leaving it out changes nothing that is measured. Every answer is
 * freshly generated text, so stored answers never share string memory.
 */
export class StubLlm implements LlmClient {
  calls = 0;
  constructor(
    private readonly random: Random,
    private readonly size: { englishWords: number; chineseCharacters: number },
  ) {}

  async *stream(request: ChatRequest): AsyncGenerator<LlmChunk> {
    this.calls++;
    const text = mixedText(this.random, this.size.englishWords, this.size.chineseCharacters);
    yield { type: "delta", text };
    yield {
      type: "done",
      usage: { promptTokens: request.promptTokens ?? 0, completionTokens: 100, reported: true },
      finishReason: "stop",
      interrupted: false,
    };
  }
}
