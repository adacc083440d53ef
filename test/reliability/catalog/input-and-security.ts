import { FILES, type ReliabilityCase } from "./types.ts";

/** Bad input, security rules, load, and the property tests of the text pipeline. */
export const inputAndSecurityCases: ReliabilityCase[] = [
  {
    area: "Bad input",
    case: "empty mention",
    behaviour: "The hint “Ask me something after the mention …”; no upstream call.",
    tests: [{ file: FILES.badInput, test: "an empty mention gets the hint and makes no upstream call" }],
  },
  {
    area: "Bad input",
    case: "only whitespace or only emoji",
    behaviour: "Whitespace: the hint, no upstream call. Emoji: a question like any other, answered once.",
    tests: [
      {
        file: FILES.badInput,
        test: "a mention with only whitespace gets the hint and makes no upstream call",
      },
      { file: FILES.badInput, test: "a mention with only emoji is a question like any other" },
    ],
  },
  {
    area: "Bad input",
    case: "a 100,000-character message",
    behaviour:
      "Cut to fit the history window with a visible “[… question shortened to fit …]” marker, answered once.",
    tests: [
      {
        file: FILES.badInput,
        test: "a 100,000-character message is cut to fit the window with a visible marker, and answered once",
      },
    ],
  },
  {
    area: "Bad input",
    case: "a 100,000-character message: the cost of cutting it",
    behaviour: "Cutting the question tokenizes it a few times at most, so other conversations do not wait.",
    tests: [
      {
        file: FILES.badInput,
        test: "cutting a 100,000-character question tokenizes it a bounded number of times",
      },
    ],
  },
  {
    area: "Bad input",
    case: "zero-width and right-to-left characters",
    behaviour:
      "Passed to the model as written, answered once. (A message of only such characters is sent too.)",
    tests: [
      {
        file: FILES.badInput,
        test: "zero-width and right-to-left characters reach the model as written and are answered once",
      },
    ],
  },
  {
    area: "Bad input",
    case: "`<|endoftext|>` and other special-token text",
    behaviour:
      "Plain text: counted without error, sent as the user's words (one system message), answered once.",
    tests: [
      {
        file: FILES.badInput,
        test: "special-token text is plain text to the bot: counted, sent as the user's words, answered once",
      },
    ],
  },
  {
    area: "Bad input",
    case: "unbalanced code fences",
    behaviour:
      "Answered; a long answer with a block never closed is split within each platform's limit, every part " +
      "but the last with balanced fences, no line lost.",
    tests: [
      {
        file: FILES.badInput,
        test: "unbalanced code fences in the question and the answer: parts within the limits, nothing lost",
      },
    ],
  },
  {
    area: "Bad input",
    case: "a question that quotes `@everyone` or `<!channel>`",
    behaviour:
      "Nobody is notified: every Discord write carries allowed_mentions {parse: []}; on Slack the question reads " +
      "“@channel” and no `<!…>` or `<@…>` leaves the bot.",
    tests: [
      {
        file: FILES.badInput,
        test: "a question quoting @everyone or <!channel> pings nobody, on either platform",
      },
    ],
  },
  {
    area: "Bad input",
    case: "a question asking for the API key or the system prompt",
    behaviour:
      "Answered like any question; the key is in no prompt, reply or log (it never enters a prompt). The " +
      "system prompt is not secret: the model may repeat it.",
    tests: [
      {
        file: FILES.badInput,
        test: "a question asking for the API key or the system prompt: the key is in no prompt, reply or log",
      },
    ],
  },
  {
    area: "Bad input",
    case: "Slack events with missing fields",
    behaviour:
      "Acknowledged and ignored when there is nowhere to answer (no user, channel or ts; no event: Bolt's 404); " +
      "a mention without text gets the hint.",
    tests: [
      {
        file: FILES.slackRequests,
        test: "events without a user, channel, ts or event are acknowledged and ignored",
      },
      { file: FILES.slackRequests, test: "a mention without text gets the hint in its thread" },
    ],
  },
  {
    area: "Bad input",
    case: "a malformed or oversized HTTP body to /slack/events",
    behaviour:
      "A 4xx (400 not JSON, 401 unsigned, 404 unroutable form, 413 too large); the server keeps serving.",
    tests: [{ file: FILES.slackRequests, test: "a malformed or oversized body gets a 4xx, not a crash" }],
  },
  {
    area: "Bad input",
    case: "attachments the bot does not handle",
    behaviour:
      "A file alone gets the note “I can only read text; attachments were ignored.” (no upstream call); a " +
      "question with a file is answered with that note.",
    tests: [
      {
        file: FILES.badInput,
        test: "a DM with only an attachment gets a polite note on each platform, with no upstream call",
      },
      {
        file: FILES.badInput,
        test: "a question with an attachment is answered, with a note that the attachment was not read",
      },
    ],
  },
  {
    area: "Security",
    case: "Slack requests with a bad, missing or stale signature",
    behaviour:
      "401 before any work: no Web API call (not even users.info), no upstream call, no response_url post, " +
      "and the event id is not remembered (its genuine delivery is answered).",
    tests: [
      { file: FILES.slackRequests, test: "a bad, missing or stale signature is rejected before any work" },
      { file: FILES.slackRequests, test: "logs no secret and no request body above debug" },
    ],
  },
  {
    area: "Security",
    case: "admin commands from non-admins",
    behaviour:
      "/config is refused privately (“Only admins can use this command.”) on Discord (no Manage Server) and " +
      "Slack (not a workspace admin, not in ADMIN_USER_IDS), and by the engine itself; nothing changes. The " +
      "same command from an admin does change the prompt.",
    tests: [
      { file: FILES.security, test: "the engine refuses /config to a non-admin and changes nothing" },
      {
        file: FILES.security,
        test: "Discord refuses /config to a member without Manage Server, privately, and changes nothing",
      },
      { file: FILES.security, test: "Slack refuses /config to a non-admin, privately, and changes nothing" },
    ],
  },
  {
    area: "Security",
    case: "canary API key and tokens",
    behaviour:
      "The suite runs with distinctive canary secrets (sk-CANARY…, xoxb-CANARY…, xapp-CANARY…, a Discord " +
      "token with CANARY). Every log line (debug level), every request header and body and every WebSocket frame " +
      "the bot sends to the fakes (through recording proxies), and every message shown on both platforms are " +
      "scanned: no secret except the expected credential to each fake itself. Every fault file ends with the " +
      "same scan of its logs and messages.",
    tests: [
      {
        file: FILES.security,
        test: "no secret appears in any log line, or in anything sent to any fake but the expected credentials",
      },
      { file: FILES.llm, test: "leaks no secret into logs, prompts or messages" },
      { file: FILES.discord, test: "leaks no secret into logs, prompts or messages" },
      { file: FILES.slack, test: "leaks no secret into logs, prompts or messages" },
      {
        file: FILES.slack,
        test: "leaks no secret into logs, prompts, messages or anything sent through the proxies",
      },
      { file: FILES.redis, test: "leaks no secret into logs, prompts or messages" },
      { file: FILES.badInput, test: "crashed nothing and leaked no secret" },
    ],
  },
  {
    area: "Security",
    case: "keys rotated and refused while running",
    behaviour:
      "An OpenAI key swapped in from its secret file, and one the endpoint refuses on reload, appear in no log " +
      "line and in nothing sent but the Authorization header; log lines about upstream calls and the usage per " +
      "key carry an 8-hex SHA-256 fingerprint instead, so the refused key is traceable without being shown.",
    tests: [
      {
        file: FILES.security,
        test: "a key swapped in from a file, and a key refused on reload, leak nowhere and are traced by fingerprint",
      },
    ],
  },
  {
    area: "Load",
    case: "1,000 conversations x 10 turns",
    behaviour:
      "Through the engine: 10,000 answers, none lost or duplicated, each request carrying its conversation's " +
      "earlier turns; the heap levels off once the history and cache caps are reached. Through both adapters " +
      "and their fakes, scaled down to 10 x 10 on Discord and 20 x 10 on Slack at once: none lost or " +
      "duplicated. `npm run soak` runs the long version and prints p99 overhead and heap.",
    tests: [
      {
        file: FILES.load,
        test: "1,000 conversations x 10 turns through the engine: each answered once, heap levels off under the caps",
      },
      {
        file: FILES.load,
        test: "10 conversations x 10 turns on Discord and 20 x 10 on Slack at once: no lost or duplicated reply",
      },
    ],
  },
  {
    area: "Properties",
    case: "the splitter",
    behaviour: "For any text and limit: no part over the limit, balanced fences, nothing lost.",
    tests: [
      {
        file: "test/text/split-message.test.ts",
        test: "keeps every part within the limit, balances fences and loses nothing",
      },
      { file: "test/text/split-message.test.ts", test: "holds for arbitrary strings too" },
    ],
  },
  {
    area: "Properties",
    case: "Markdown to mrkdwn, and Slack escaping",
    behaviour: "No live mention or broadcast, code shown as written, escaping undone exactly by decoding.",
    tests: [
      {
        file: "test/slack/mrkdwn.test.ts",
        test: "property: no input produces a live mention or broadcast, or a stray `>`",
      },
      { file: "test/slack/mrkdwn.test.ts", test: "property: fenced code is shown exactly as written" },
      {
        file: "test/slack/mrkdwn.test.ts",
        test: "property: escapeMrkdwn is undone by decoding and leaves no control character",
      },
    ],
  },
  {
    area: "Properties",
    case: "the Discord streaming renderer",
    behaviour:
      "Whatever the deltas, every write fits in 2,000 characters and the final messages are exactly the answer split.",
    tests: [
      {
        file: FILES.properties,
        test: "property: every write fits a Discord message, and the final messages are the whole answer",
      },
      {
        file: FILES.properties,
        test: "the final text lands even when it follows a throttled delta by a microtask or two",
      },
    ],
  },
];
