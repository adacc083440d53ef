/**
 * Slack parses `<…>` as control sequences (`<!channel>`, `<@U…>`, `<!subteam^…>`, links) and treats
 * `&`, `<`, `>` as the characters to escape: https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === "&" ? "&amp;" : char === "<" ? "&lt;" : "&gt;"));
}

/** What a person sees for escaped text: the inverse of `escapeMrkdwn`, in one pass. */
export function decodeMrkdwnEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_whole, name: string) =>
    name === "amp" ? "&" : name === "lt" ? "<" : ">",
  );
}

/** A `<` may open a web or mail link and nothing else: no mention, channel, date or broadcast. */
const linkOpening = /^(?:https?:\/\/|mailto:)/i;

/**
 * The last line of defence before text leaves for Slack: every `<` that does not open a web or mail
 * link becomes `&lt;`, so no mention or broadcast can go live whatever a converter upstream did.
 */
export function defuseControlSequences(mrkdwn: string): string {
  let out = "";
  let from = 0;
  for (let at = mrkdwn.indexOf("<"); at !== -1; at = mrkdwn.indexOf("<", at + 1)) {
    if (linkOpening.test(mrkdwn.slice(at + 1, at + 9))) continue;
    out += `${mrkdwn.slice(from, at)}&lt;`;
    from = at + 1;
  }
  return out + mrkdwn.slice(from);
}

/** Quote markers and list bullets at a line start of converted mrkdwn: their `>` are syntax. */
const mrkdwnLinePrefix = /^(?:[ \t]*(?:>|•|[-*+]|\d{1,9}[.)])(?=[ \t]|$))*/;

/**
 * Escapes every `>` that is neither a quote marker at a line start nor the end of a link. The
 * converter leaves some of them raw; Slack asks for all three control characters to be escaped.
 */
export function escapeStrayGreaterThan(mrkdwn: string): string {
  return mrkdwn
    .split("\n")
    .map((line) => {
      const prefix = mrkdwnLinePrefix.exec(line)?.[0] ?? "";
      let out = prefix;
      let insideLink = false;
      for (const char of line.slice(prefix.length)) {
        if (char === "<") insideLink = true;
        if (char === ">" && !insideLink) {
          out += "&gt;";
          continue;
        }
        if (char === ">") insideLink = false;
        out += char;
      }
      return out;
    })
    .join("\n");
}
