import type { Message } from "discord.js";

/**
 * The text of a forwarded message: Discord sends it with empty `content` and the original in
 * `message_snapshots` (discord.js: `messageSnapshots`). Each snapshot's text is prefixed with `note`,
 * so the model knows the words were forwarded, not written by the sender. Empty when nothing is.
 */
export function forwardedText(message: Message, note: string, render: (content: string) => string): string {
  const texts = [...(message.messageSnapshots?.values() ?? [])]
    .map((snapshot) => render(snapshot.content ?? "").trim())
    .filter((text) => text !== "");
  return texts.map((text) => `${note}\n${text}`).join("\n\n");
}
