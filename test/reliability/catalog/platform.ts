import { FILES, type ReliabilityCase } from "./types.ts";

/** Issue 20: real platform behaviour and hostile traffic, replayed from recorded payloads. */
const GUARD = "test/slack/request-guard.test.ts";
const RUNAWAY = "test/reliability/runaway-answers.test.ts";
const BOUNDS = "test/core/history-memory-bounds.test.ts";
const EDITS = "test/slack/connect-and-edits.test.ts";
const MISCONFIG = "test/core/misconfiguration.test.ts";

export const platformCases: ReliabilityCase[] = [
  {
    area: "Security",
    case: "unsigned large bodies, many at once (#6)",
    behaviour:
      "A request to /slack/events without Slack's signature headers is refused (401, connection closed) as " +
      "soon as its headers arrive, its body never read; a body announced larger than Slack sends (1.5 MB cap; " +
      "the largest legitimate delivery, an edit of a 40,000-character message with blocks, all \\uXXXX-escaped, " +
      "is 0.97 MB) gets 413; at most 32 bodies are read at once, 128 connections are open at once, headers " +
      "must arrive within 5 s and the body within 10 s (Node: 60 s / 300 s). Measured with the tests' " +
      "raw-socket client in the bot's own process (peak RSS sampled every 20 ms, client buffers included): " +
      "500 concurrent unsigned 4 MB requests took RSS from 205 MB to 380 MB before (Bolt reads up to 4 MB " +
      "before checking anything) and from 203 MB to 226 MB now, all 500 refused with 401. The largest " +
      "legitimate mention (0.49 MB) is answered.",
    tests: [
      {
        file: FILES.slackRequests,
        test: "200 concurrent unsigned 4 MB bodies are refused unread: all 401, counted, memory flat",
      },
      {
        file: GUARD,
        test: "an unsigned request is refused as soon as its headers arrive, its 4 MB body unread",
      },
      {
        file: GUARD,
        test: "a signed request announcing more than Slack ever sends is refused with 413, unread",
      },
      {
        file: GUARD,
        test: "the largest body Slack sends is within the cap, and the largest mention is answered",
      },
      {
        file: GUARD,
        test: "the server caps its connections and waits far less than Node's defaults for headers and bodies",
      },
    ],
  },
  {
    area: "Security",
    case: "replayed commands, future timestamps, log floods (#7)",
    behaviour:
      "A signed request dated more than 5 minutes ahead is refused like a stale one. A captured signed /ask " +
      "replayed 3 more times is answered once (slash commands are deduplicated by trigger_id, shared across " +
      "replicas with Redis). Refused requests are counted in bot_slack_rejected_requests_total{reason} and " +
      "logged at most once a minute with the counts: 20 unsigned requests make 20 counts and at most 1 line.",
    tests: [
      { file: GUARD, test: "a correctly signed request dated a year ahead is refused" },
      { file: GUARD, test: "a captured signed /ask replayed three times is answered once (trigger_id)" },
      { file: GUARD, test: "unsigned requests are counted, and logged once per interval, not once each" },
    ],
  },
  {
    area: "Security",
    case: "a secret inside a string (#9)",
    behaviour:
      "Every log line is scrubbed of every configured secret (OpenAI key, Slack bot and app tokens, signing " +
      "secret, Discord token, REDIS_URL and its password) wherever it sits: message, error text, nested " +
      "field. An upstream that echoes the key in its error text is logged as “Incorrect API key provided: " +
      "[redacted]”. What users are shown is scrubbed the same way: a model that repeats the key and the bot " +
      "token, split over 7 chunks, shows “Sure: [redacted] and [redacted].” on Slack and Discord (ordinary " +
      "text streams without delay). The canary scan of the suite covers both.",
    tests: [
      {
        file: FILES.security,
        test: "no secret appears in any log line, or in anything sent to any fake but the expected credentials",
      },
      {
        file: "test/core/secret-scrubber.test.ts",
        test: "scrubs a secret from every field of every log line: message, error text, nested objects",
      },
      {
        file: "test/core/secret-scrubber.test.ts",
        test: "a streamed text has its secrets scrubbed wherever the pieces split them, ordinary text unheld",
      },
    ],
  },
  {
    area: "LLM faults",
    case: "an endpoint that ignores max_tokens (#8)",
    behaviour:
      "The engine stops reading an answer at 16 characters per MAX_TOKENS token (16,384 characters by " +
      "default), closes the stream and ends the answer with a note. A 1 MB answer became 271 Slack and 543 " +
      "Discord messages before; now 5 Slack and 9 Discord messages, one upstream call. An answer of " +
      "MAX_TOKENS 15-character tokens is shown whole.",
    tests: [
      {
        file: RUNAWAY,
        test: "Slack: a 1 MB stream is cut at the character cap with a note, in a handful of messages",
      },
      {
        file: RUNAWAY,
        test: "Discord: a 1 MB stream is cut at the character cap with a note, in a handful of messages",
      },
      { file: RUNAWAY, test: "a legitimate answer of MAX_TOKENS long tokens is never cut" },
    ],
  },
  {
    area: "Load",
    case: "memory by size, not by count (#10)",
    behaviour:
      "A conversation keeps only the newest pairs whose tokens fit what a window can ever send " +
      "(HISTORY_MAX_TOKENS less MAX_TOKENS); the in-memory history and answer cache are bounded in bytes too " +
      "(HISTORY_MAX_MB 128, CACHE_MAX_MB 32 by default, estimated at 2 bytes a character: with the process " +
      "itself they fit a 512 MB container). Measured, 1,000 threads × 10 turns of 40,000-character " +
      "questions: 387 MB of heap (RSS 77 → 498 MB) before, 39 MB of heap (RSS 75 → 160 MB) now; with a " +
      "64 MB bound the store holds at most 64 MB, the newest conversations kept.",
    tests: [
      { file: BOUNDS, test: "keeps no more of a conversation than a window can ever send" },
      {
        file: BOUNDS,
        test: "1,000 threads × 10 turns of 40,000-character questions stay within the byte bound",
      },
      { file: BOUNDS, test: "bounds the answer cache by size as well as entries" },
    ],
  },
  {
    area: "Slack faults",
    case: "an edited mention (#1)",
    behaviour:
      "Slack re-delivers app_mention after an edit with a new event_id, the same ts and an `edited` field " +
      "(replayed from slack-go's capture); message_changed follows (bolt-python's capture). A message is " +
      "answered once by channel and ts: an edit of an answered mention gets no second answer, a message that " +
      "gained its mention by an edit is answered once, however often it is edited.",
    tests: [
      {
        file: EDITS,
        test: "an edit of a mention already answered gets no second answer, nor does its message_changed",
      },
      {
        file: EDITS,
        test: "a message that gains its mention by an edit is answered once, however often it is edited",
      },
    ],
  },
  {
    area: "Slack faults",
    case: "Slack Connect and Enterprise Grid (#2)",
    behaviour:
      "The workspace of a turn (history, settings, ALLOWED_WORKSPACE_IDS, budgets) is the installing one, " +
      "authorizations[0].team_id, not the envelope's team_id (the channel's organization): our user in a " +
      "shared channel is served, charged to us. /config from an admin of another organization (users.info " +
      "team_id not ours) is refused; ours may use it.",
    tests: [
      {
        file: EDITS,
        test: "our user in another organization's channel is served, and the turn is our workspace's",
      },
      { file: EDITS, test: "/config from an admin of another organization is refused; our admin may use it" },
    ],
  },
  {
    area: "Slack faults",
    case: "/ask in a DM between two people (#5)",
    behaviour:
      "The bot is not in that DM, so each person's /ask, /reset and /usage there act on their own " +
      "conversation: Bob's /ask does not send Alice's turn upstream, Bob's /reset leaves hers. The bot's own " +
      "DM (known from its message.im events or a successful post) keeps one conversation.",
    tests: [
      {
        file: EDITS,
        test: "each person has their own conversation there: no one's turn reaches the other, no one's reset",
      },
    ],
  },
  {
    area: "Bad input",
    case: "misconfiguration that never ends (#11)",
    behaviour:
      "A bot token in SLACK_APP_TOKEN is refused at start-up naming the variable (never its value); an app " +
      "token Slack refuses with an error its Socket Mode client would retry forever (not_allowed_token_type, " +
      "missing_scope) stops start() with one line naming SLACK_APP_TOKEN after one call. .env.example's " +
      "placeholders are refused by name. `npm run discord:register` runs without OPENAI_API_KEY. " +
      "SLACK_BOT_TOKEN without a signing secret or app token prints a warning. bot_redis_up is exported only " +
      "with Redis configured.",
    tests: [
      { file: MISCONFIG, test: "refuses a bot token pasted into SLACK_APP_TOKEN, without echoing it" },
      {
        file: "test/slack/startup.test.ts",
        test: "rejects start() with a SlackAuthError when the app token can never connect (not_allowed_token_type)",
      },
      { file: MISCONFIG, test: "refuses .env.example's placeholder values by name" },
      { file: MISCONFIG, test: "npm run discord:register needs no OPENAI_API_KEY" },
      { file: MISCONFIG, test: "warns when SLACK_BOT_TOKEN is set without a signing secret or an app token" },
      { file: MISCONFIG, test: "exports bot_redis_up only when Redis is configured" },
    ],
  },
  {
    area: "Discord faults",
    case: "a reply to the bot with DISCORD_AUTO_THREAD=true (#3)",
    behaviour:
      "Discord's client pings the replied-to author, so the bot is in `mentions`; a reply to the bot outside a " +
      "thread still continues that reply chain (answered as a reply, the chain's history sent), no thread opened.",
    tests: [
      {
        file: "test/discord/conversations.test.ts",
        test: "a reply to the bot (which pings it) continues the reply chain, not a new thread (#3)",
      },
    ],
  },
  {
    area: "Discord faults",
    case: "a forwarded message (#4)",
    behaviour:
      "A forward has empty content and its text in message_snapshots (replayed from a recorded payload): the " +
      "bot reads the snapshot's text, prefixed “[Forwarded message]”, and answers once.",
    tests: [
      {
        file: "test/discord/forwarded.test.ts",
        test: "a message forwarded to the bot's DM is read from its snapshot and said to be forwarded",
      },
    ],
  },
  {
    area: "Slack faults",
    case: "group DMs and the manifest (#12)",
    behaviour:
      "A mention in a Slack group DM (message.mpim, replayed from Slack's documented example) is answered " +
      "once in its thread, also when an app_mention twin arrives; other group-DM messages are not. The " +
      "manifest ships two variants: minimal (mentions, DMs, group-DM mentions, commands: no im:read, " +
      "im:write or interactivity) and reply-in-threads (adds the channel message events and scopes).",
    tests: [
      {
        file: EDITS,
        test: "a mention in a group DM is answered once in its thread, with or without an app_mention twin",
      },
      {
        file: "test/slack/manifest.test.ts",
        test: "the minimal one asks for what mentions, DMs, group DMs and commands use, and nothing more",
      },
      {
        file: "test/slack/manifest.test.ts",
        test: "the reply-in-threads one adds only the message events and scopes that mode needs",
      },
    ],
  },
];
