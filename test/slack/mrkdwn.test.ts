import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMrkdwnEntities, defuseControlSequences, escapeMrkdwn } from "../../adapters/slack/escape.ts";
import { markdownToMrkdwn } from "../../adapters/slack/mrkdwn.ts";
import { MIN_PART_LIMIT, renderAnswerParts, slackPartRenderer } from "../../adapters/slack/render-parts.ts";

/** Any `<` that does not open a web or mail link is a control sequence Slack would act on. */
function liveControlSequences(mrkdwn: string): string[] {
  return [...mrkdwn.matchAll(/<(?!https?:\/\/|mailto:)[^>]{0,20}/gi)].map((m) => m[0]);
}

const dangerous = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<@U123ABC>",
  "<@W1|boss>",
  "<!subteam^S1|@eng>",
  "<#C1>",
];

/** Markdown-ish text: words, syntax fragments and mention sequences in any order. */
const markdownSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(...dangerous),
      fc.constantFrom(
        "**",
        "_",
        "~~",
        "`",
        "```",
        "```js\n",
        "\n",
        "\n\n",
        "> ",
        "- ",
        "1. ",
        "# ",
        "[",
        "]",
        "(",
        ")",
      ),
      fc.constantFrom(
        "<",
        ">",
        "&",
        "|",
        "&lt;",
        "&amp;",
        "&#60;",
        "\\",
        "<https://x.io>",
        "](https://a.b/c)",
        "![",
      ),
      fc.constantFrom(
        "[x](<!channel>)",
        "[a](https://a.b|<!here>)",
        "<mailto:a@b.c|<@U1>>",
        "<http://a|<!channel>>",
      ),
      fc.string({ maxLength: 8 }),
      fc.constantFrom("word", "你好", "naïve", " ", "\t"),
    ),
    { maxLength: 60 },
  )
  .map((pieces) => pieces.join(""));

/** Text a model could put in a code block: anything but backticks, carriage returns and a `#!lang` first line. */
const codeText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...dangerous,
        "<",
        ">",
        "&",
        "&lt;",
        "&amp;",
        "*",
        "_",
        "~",
        "|",
        "\n",
        "  ",
        "\t",
        "> ",
        "- ",
      ),
      fc.string({ maxLength: 6 }).map((s) => s.replace(/[`\r]/g, "")),
    ),
    { minLength: 1, maxLength: 30 },
  )
  .map((pieces) => pieces.join(""))
  .filter((code) => !code.startsWith("#") && code.trim() !== "");

describe("markdownToMrkdwn", () => {
  it("renders Markdown as mrkdwn", () => {
    const out = markdownToMrkdwn("# Title\n\n**bold**, _it_, ~~gone~~ and [docs](https://example.com/a?b=1)");
    expect(out).toContain("*Title*");
    expect(out).toContain("*bold*");
    expect(out).toContain("_it_");
    expect(out).toContain("~gone~");
    expect(out).toContain("<https://example.com/a?b=1|docs>");
  });

  it("keeps lists and block quotes", () => {
    const out = markdownToMrkdwn("- one\n- two\n\n> quoted line");
    expect(out).toMatch(/^• {1,3}one$/m);
    expect(out).toMatch(/^• {1,3}two$/m);
    expect(out).toContain("> quoted line");
  });

  it("falls back to escaped plain text where the converter throws", () => {
    const out = markdownToMrkdwn("[x](https://a.b/%E0%A4%A) <!here>");
    expect(out).toContain("%E0%A4%A");
    expect(liveControlSequences(out)).toEqual([]);
  });

  it("escapes broadcasts and mentions written by the model", () => {
    const out = markdownToMrkdwn("Hey <!channel> and <!here>, ping <@U123> or <!subteam^S1|@eng> & <#C1>");
    expect(liveControlSequences(out)).toEqual([]);
    expect(out).toContain("&lt;!channel");
    expect(out).toContain("&amp;");
  });

  it("keeps fenced code verbatim apart from entity escaping", () => {
    const code = "if (a < b && c > d) {\n  notify('<!everyone>');\n}";
    const out = markdownToMrkdwn(`Try:\n\n\`\`\`js\n${code}\n\`\`\``);
    expect(out).toContain("if (a &lt; b &amp;&amp; c &gt; d)");
    expect(decodeMrkdwnEntities(out)).toContain(`\`\`\`\n${code}\n\`\`\``);
    expect(liveControlSequences(out)).toEqual([]);
  });

  it("property: no input produces a live mention or broadcast, or a stray `>`", () => {
    fc.assert(
      fc.property(markdownSoup, (markdown) => {
        const out = markdownToMrkdwn(markdown);
        expect(liveControlSequences(out)).toEqual([]);
        const withoutSyntax = out
          .replace(/<[^>]*>/g, "")
          .split("\n")
          .map((line) => line.replace(/^(?:[ \t]*(?:>|•|[-*+]|\d{1,9}[.)])(?=[ \t]|$))*/, ""));
        expect(withoutSyntax.join("\n")).not.toContain(">");
      }),
      { numRuns: 300 },
    );
  });

  it("property: fenced code is shown exactly as written", () => {
    fc.assert(
      fc.property(markdownSoup, codeText, (before, code) => {
        const markdown = `${before.replace(/`/g, "")}\n\n\`\`\`\n${code}\n\`\`\`\n\nafter`;
        const out = markdownToMrkdwn(markdown);
        expect(decodeMrkdwnEntities(out)).toContain(`\`\`\`\n${code}\n\`\`\``);
      }),
      { numRuns: 200 },
    );
  });

  it("property: code spans are shown exactly as written", () => {
    const spanText = codeText
      .map((code) => code.replace(/\s+/g, " ").trim())
      .filter((code) => code !== "" && !/^[->#]/.test(code));
    fc.assert(
      fc.property(spanText, (code) => {
        const out = markdownToMrkdwn(`Run \`${code}\` now`);
        expect(decodeMrkdwnEntities(out)).toContain(`\`${code}\``);
        expect(liveControlSequences(out)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("escaping", () => {
  it("property: escapeMrkdwn is undone by decoding and leaves no control character", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeMrkdwn(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(decodeMrkdwnEntities(escaped)).toBe(text);
      }),
    );
  });

  it("property: defuseControlSequences leaves only links and changes nothing else", () => {
    fc.assert(
      fc.property(markdownSoup, (text) => {
        const defused = defuseControlSequences(text);
        expect(liveControlSequences(defused)).toEqual([]);
        expect(defused.replace(/&lt;/g, "<")).toBe(text.replace(/&lt;/g, "<"));
      }),
    );
  });
});

/** Words, formatting, code and links: Markdown whose every letter should reach the reader. */
const prose = fc
  .array(
    fc.oneof(
      fc.constantFrom("alpha", "beta", "gamma", "delta", "数据", "x1", "42"),
      fc.constantFrom(" ", " ", " ", "\n", "\n\n", ", ", ". "),
      fc.constantFrom("**bold**", "_em_", "~~old~~", "`a < b`", "[site](https://example.com/p)", "<!here>"),
      fc.constantFrom(
        "\n\n```\nlet x = 1 & 2;\nif (x > 0) {}\n```\n\n",
        "\n\n- item\n- item2\n\n",
        "\n\n> quote\n\n",
      ),
    ),
    { maxLength: 400 },
  )
  .map((pieces) => pieces.join(""));

const letters = (text: string) => [...text.matchAll(/[\p{L}\p{N}]/gu)].map((m) => m[0]).join("");

function isSubsequence(needle: string, haystack: string): boolean {
  let at = 0;
  for (const char of haystack) if (char === needle[at]) at += 1;
  return at === needle.length;
}

describe("renderAnswerParts", () => {
  it("property: no part over the limit, no live mention, nothing lost, parts in order", () => {
    fc.assert(
      fc.property(prose, fc.integer({ min: MIN_PART_LIMIT, max: 1200 }), (markdown, limit) => {
        const parts = renderAnswerParts(markdown, limit);
        expect(parts.length).toBeGreaterThan(0);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(limit);
          expect(liveControlSequences(part)).toEqual([]);
        }
        // A link shows its label where the Markdown had it; the URL follows for the comparison.
        const shown = decodeMrkdwnEntities(parts.join("\n").replace(/<([^|>]+)\|([^>]*)>/g, "$2 $1"));
        expect(isSubsequence(letters(markdown), letters(shown))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps escaped text under the limit even when escaping grows it fivefold", () => {
    const parts = renderAnswerParts("&".repeat(3000), MIN_PART_LIMIT);
    expect(parts.every((part) => part.length <= MIN_PART_LIMIT)).toBe(true);
    expect(parts.join("").split("&amp;").length - 1).toBe(3000);
  });

  it("reuses finished parts while a text grows", () => {
    const renderer = slackPartRenderer(MIN_PART_LIMIT);
    const first = renderer.final(`${"word ".repeat(200)}\n\ntail`);
    const second = renderer.final(`${"word ".repeat(200)}\n\ntail grows`);
    expect(second.slice(0, -1)).toEqual(first.slice(0, -1));
    expect(second.at(-1)).toContain("tail grows");
  });

  it("never sends an empty message", () => {
    expect(renderAnswerParts("")).toEqual(["…"]);
    expect(renderAnswerParts("  \n\n ")).toEqual(["…"]);
  });
});
