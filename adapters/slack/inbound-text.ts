import { decodeMrkdwnEntities } from "./escape.ts";

/** `<@U123>` or `<@U123|name>`; W… ids belong to Enterprise Grid users. */
const userMention = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** Every user mentioned in Slack message text, in order, without repeats. */
export function mentionedUserIds(text: string): string[] {
  const ids = new Set<string>();
  for (const match of text.matchAll(userMention)) if (match[1]) ids.add(match[1]);
  return [...ids];
}

export function mentionsUser(text: string, userId: string): boolean {
  return mentionedUserIds(text).includes(userId);
}

export interface PlainTextOptions {
  /** The bot's own user id: its mentions are removed, not named. */
  botUserId: string;
  /** Readable names of mentioned users; an id without a name is shown as `@id`. */
  names: ReadonlyMap<string, string>;
}

/**
 * Turns Slack message text into what the model reads: the bot's mention removed, other mentions as
 * `@Name`, channels as `#name`, links as `label (url)`, entities decoded. Control sequences are
 * handled before decoding so that an escaped `&lt;@U1&gt;` typed by a user stays literal text.
 */
export function slackTextToPlain(text: string, options: PlainTextOptions): string {
  const withoutBot = text.replace(
    new RegExp(`\\s*<@${escapeRegExp(options.botUserId)}(?:\\|[^>]*)?>\\s*`, "g"),
    " ",
  );
  const rendered = withoutBot.replace(/<([^<>]*)>/g, (_whole, inner: string) =>
    renderControl(inner, options.names),
  );
  return decodeMrkdwnEntities(rendered)
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

function renderControl(inner: string, names: ReadonlyMap<string, string>): string {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return `@${names.get(id) ?? label ?? id}`;
  }
  if (target.startsWith("#")) return `#${label ?? target.slice(1)}`;
  if (target.startsWith("!subteam^")) return label ?? `@${target.slice("!subteam^".length)}`;
  if (target.startsWith("!date^")) return label ?? "";
  if (target.startsWith("!")) return `@${target.slice(1)}`;
  if (label === undefined || label === target || `mailto:${label}` === target) return label ?? target;
  return `${label} (${target})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
