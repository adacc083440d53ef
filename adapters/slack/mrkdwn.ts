import slackifyMarkdown from "slackify-markdown";
import { defuseControlSequences, escapeMrkdwn, escapeStrayGreaterThan } from "./escape.ts";

/**
 * Converts the model's Markdown to Slack mrkdwn with a real parser (slackify-markdown on remark).
 *
 * slackify-markdown passes raw HTML through, leaves `<@U…>` and `<#C…>` live and copies code verbatim,
 * while Slack decodes `&amp;`, `&lt;`, `&gt;` everywhere, code included. So the source is entity-escaped
 * first: outside code the parser decodes the entities and slackify escapes them again; inside code they
 * stay as entities, which Slack shows as the original characters. Nothing can form a raw `<` except the
 * links slackify builds, and `defuseControlSequences` checks even those; stray `>` are escaped last.
 */
export function markdownToMrkdwn(markdown: string): string {
  let converted: string;
  try {
    converted = slackifyMarkdown(escapeMarkdownSource(markdown));
  } catch {
    // slackify-markdown throws on some inputs (a link with a malformed %-escape): plain text then.
    return escapeMrkdwn(markdown).replace(/\n+$/, "");
  }
  return escapeStrayGreaterThan(defuseControlSequences(converted)).replace(/\n+$/, "");
}

/** Line start made of indentation, block-quote markers and list markers: its `>` are syntax. */
const blockPrefix = /^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*/;

function escapeMarkdownSource(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => {
      const escaped = line.replace(/&/g, "&amp;").replace(/</g, "&lt;");
      const prefix = blockPrefix.exec(escaped)?.[0] ?? "";
      return prefix + escaped.slice(prefix.length).replace(/>/g, "&gt;");
    })
    .join("\n");
}
