/**
 * OpenAI's streamed chat-completion chunks as `data:` frames, for the benchmark fakes: one id, time
 * and model per answer; a delta with its finish reason, or the closing usage chunk (`choices: []`).
 */
export function chatChunkFrames(id: string, model: string) {
  const created = Math.floor(Date.now() / 1000);
  const frame = (rest: Record<string, unknown>) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, ...rest })}\n\n`;
  return {
    delta: (delta: Record<string, unknown>, finish: string | null) =>
      frame({ choices: [{ index: 0, delta, finish_reason: finish }] }),
    usage: (usage: unknown) => frame({ choices: [], usage }),
  };
}
