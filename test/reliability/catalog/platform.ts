import { FILES, type ReliabilityCase } from "./types.ts";

/** Issue 20: real platform behaviour and hostile traffic, replayed from recorded payloads. */
const GUARD = "test/slack/request-guard.test.ts";
const RUNAWAY = "test/reliability/runaway-answers.test.ts";
const BOUNDS = "test/core/history-memory-bounds.test.ts";

export const platformCases: ReliabilityCase[] = [
  {
    area: "Security",
    case: "unsigned large bodies, many at once (#6)",
    behaviour:
      "A request to /slack/events without Slack's signature headers is refused (401, connection closed) as " +
      "soon as its headers arrive, its body never read; a body announced larger than Slack sends (1.5 MB cap; " +
      "the largest legitimate delivery, an edit of a 40,000-character message with blocks, all \\uXXXX-escaped, " +
      "is 0.97 MB) gets 413; at most 32 bodies are read at once, 128 connections are open at once, headers " +
      "must arrive within 5 s and the body within 10 s (Node: 60 s / 300 s). Measured: 500 concurrent " +
      "unsigned 4 MB requests took RSS from 205 MB to 380 MB before (Bolt reads 4 MB before checking), " +
      "from 203 MB to 226 MB now (client buffers included); all 500 refused. The largest legitimate mention " +
      "(0.49 MB) is answered.",
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
      "[redacted]”; the canary scan of the suite covers it.",
    tests: [
      {
        file: FILES.security,
        test: "no secret appears in any log line, or in anything sent to any fake but the expected credentials",
      },
      {
        file: "test/core/secret-scrubber.test.ts",
        test: "scrubs a secret from every field of every log line: message, error text, nested objects",
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
];
