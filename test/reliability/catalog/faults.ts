import { FILES, type ReliabilityCase, type TestRef } from "./types.ts";

/** The same fault through a Discord mention and a Slack mention. */
const bothMentions = (name: string): TestRef[] => [
  { file: FILES.llm, test: `${name}, via a Discord mention` },
  { file: FILES.llm, test: `${name}, via a Slack mention` },
];

/** Faults of the model's API, of Discord, of Slack and of Redis. */
export const faultCases: ReliabilityCase[] = [
  {
    area: "LLM faults",
    case: "429 with retry-after",
    behaviour:
      "Waits at least the server's retry-after (one cool-down shared by every request), retries, answers. " +
      "Counted as one rate_limited and one ok attempt.",
    tests: bothMentions("429 with retry-after"),
  },
  {
    area: "LLM faults",
    case: "429 without retry-after",
    behaviour: "Retries after a jittered exponential backoff, then answers.",
    tests: bothMentions("429 without retry-after"),
  },
  {
    area: "LLM faults",
    case: "429 insufficient_quota",
    behaviour:
      "No retry (it would only burn the rate limit): the short message asking to tell the operator; nothing recorded.",
    tests: bothMentions("429 insufficient_quota"),
  },
  {
    area: "LLM faults",
    case: "401",
    behaviour: "No retry: “The bot is not set up correctly …”; nothing recorded; the key is not logged.",
    tests: bothMentions("401"),
  },
  {
    area: "LLM faults",
    case: "400 context too long",
    behaviour: "No retry: “That question is too long for me …”; nothing recorded.",
    tests: bothMentions("400 context too long"),
  },
  {
    area: "LLM faults",
    case: "500",
    behaviour: "Retried with backoff; the answer.",
    tests: bothMentions("500 then recovered"),
  },
  {
    area: "LLM faults",
    case: "503 streak",
    behaviour:
      "Retried up to LLM_MAX_ATTEMPTS within LLM_DEADLINE_MS, then “The AI service is unavailable …”; nothing recorded.",
    tests: bothMentions("503 streak"),
  },
  {
    area: "LLM faults",
    case: "no headers within the timeout",
    behaviour:
      "The attempt is abandoned after LLM_TIMEOUT_MS and retried; the answer if a retry succeeds, else " +
      "“The AI service took too long …”.",
    tests: [...bothMentions("no headers once"), ...bothMentions("no headers ever")],
  },
  {
    area: "LLM faults",
    case: "headers, then a stall mid-stream",
    behaviour:
      "After LLM_TIMEOUT_MS without a chunk the answer ends with the text that arrived and a note that it " +
      "was cut off. No retry, so no second copy; the history keeps the partial answer the user saw, with its note.",
    tests: bothMentions("stall mid-stream"),
  },
  {
    area: "LLM faults",
    case: "a stream cut mid-way",
    behaviour: "The text that arrived and the cut-off note; no retry; the history keeps what the user saw.",
    tests: bothMentions("stream cut mid-way"),
  },
  {
    area: "LLM faults",
    case: "the platform refuses the post mid-stream, answer cache on",
    behaviour:
      "The turn is aborted and the aborted stream is an error, never a finished answer: nothing is cached, so " +
      "the same question asked later (or on another replica sharing Redis) gets a whole answer from the model.",
    tests: [
      {
        file: "test/providers/aborted-stream-adapters.test.ts",
        test: "Discord: the post refused, the same question later gets a whole answer",
      },
      {
        file: "test/providers/aborted-stream-adapters.test.ts",
        test: "Slack: the post refused, the same question later gets a whole answer",
      },
      {
        file: "test/providers/aborted-stream-replicas.test.ts",
        test: "an answer aborted on replica A is not in the shared cache for replica B",
      },
    ],
  },
  {
    area: "LLM faults",
    case: "malformed JSON",
    behaviour:
      "A chunk that does not parse fails the attempt like a transport error: retried, then the answer.",
    tests: bothMentions("malformed JSON"),
  },
  {
    area: "LLM faults",
    case: "a wrong content-type",
    behaviour:
      "A 200 that is not an event stream (an HTML error page) yields no text: “The AI service is unavailable …”, " +
      "nothing recorded, no retry.",
    tests: bothMentions("wrong content-type"),
  },
  {
    area: "LLM faults",
    case: "a very slow but steady stream",
    behaviour:
      "The timeout is per chunk: an answer taking longer than LLM_TIMEOUT_MS in all finishes normally.",
    tests: bothMentions("slow steady stream"),
  },
  {
    area: "Discord faults",
    case: "500 on send",
    behaviour:
      "discord.js retries a 5xx three times: one reply. When every attempt fails, nothing can be shown; the " +
      "failure is logged with the channel, nothing crashes and the next message is answered.",
    tests: [
      { file: FILES.discord, test: "a 500 on send is retried by discord.js: one reply" },
      {
        file: FILES.discord,
        test: "a 500 on every attempt to send: logged, no crash, the next message is answered",
      },
    ],
  },
  {
    area: "Discord faults",
    case: "500 on every attempt to send: the history",
    behaviour: "An answer nobody saw is not part of the conversation the model sees next.",
    tests: [
      { file: FILES.discord, test: "a 500 on every attempt to send leaves no unseen answer in the history" },
    ],
  },
  {
    area: "Discord faults",
    case: "429 on send",
    behaviour: "discord.js waits the retry_after and sends once: one reply.",
    tests: [{ file: FILES.discord, test: "a 429 on send is waited out: one reply" }],
  },
  {
    area: "Discord faults",
    case: "500 on edit",
    behaviour: "Retried by discord.js: the final text lands once.",
    tests: [
      { file: FILES.discord, test: "a 500 on edit is retried by discord.js: the final text lands once" },
    ],
  },
  {
    area: "Discord faults",
    case: "500 on every attempt of the final edit",
    behaviour: "The whole answer is still shown once (e.g. posted anew, the stale preview deleted).",
    tests: [
      {
        file: FILES.discord,
        test: "a 500 on every attempt of the final edit still shows the whole answer once",
      },
    ],
  },
  {
    area: "Discord faults",
    case: "429 on edit",
    behaviour: "discord.js waits the retry_after: the final text lands once.",
    tests: [{ file: FILES.discord, test: "a 429 on edit is waited out: the final text lands once" }],
  },
  {
    area: "Discord faults",
    case: "the gateway dropping the connection and resuming",
    behaviour:
      "discord.js reconnects and RESUMEs the session (no new IDENTIFY); the answer in flight lands once (REST " +
      "does not depend on the gateway); a message replayed after the resume is answered once (dedupe); later " +
      "messages are answered.",
    tests: [
      {
        file: FILES.discord,
        test: "a dropped gateway connection is resumed: the answer in flight lands once, later messages are answered once",
      },
    ],
  },
  {
    area: "Discord faults",
    case: "an interaction whose token expired",
    behaviour:
      "The refused acknowledgement is logged with the channel; no upstream call, nothing posted. A token that " +
      "expires during the answer is logged the same way and the answer is cancelled (nobody can see it, so it " +
      "does not enter the history); the next command works.",
    tests: [
      {
        file: FILES.discord,
        test: "an interaction whose token expired: logged, no upstream call, nothing posted",
      },
      {
        file: FILES.discord,
        test: "an interaction token that expires during the answer: logged, no crash, the next command works",
      },
    ],
  },
  {
    area: "Slack faults",
    case: "chat.update failing mid-stream",
    behaviour: "A lost interim update is harmless: the final update carries the whole text; one message.",
    tests: [
      { file: FILES.slack, test: "chat.update failing mid-stream: the final update lands, one message" },
    ],
  },
  {
    area: "Slack faults",
    case: "the final chat.update failing",
    behaviour:
      "The answer is posted as a new message and the placeholder removed: one message in the thread.",
    tests: [
      {
        file: FILES.slack,
        test: "the final chat.update failing: the answer is posted anew, no stale placeholder left",
      },
    ],
  },
  {
    area: "Slack faults",
    case: "chat.postMessage refused on every attempt",
    behaviour:
      "Nothing can be shown; the refusal is logged, the engine's work is aborted before it records the turn, " +
      "and the next question in the thread carries no answer nobody saw.",
    tests: [
      {
        file: FILES.slack,
        test: "chat.postMessage refused on every attempt: nothing shown, nothing crashes, no unseen answer in the history",
      },
    ],
  },
  {
    area: "Slack faults",
    case: "429 on chat.postMessage",
    behaviour: "The Web API client waits the retry-after and posts once.",
    tests: [{ file: FILES.slack, test: "a 429 on chat.postMessage is waited out: one message" }],
  },
  {
    area: "Slack faults",
    case: "the same event delivered three times",
    behaviour: "Deduplicated on event_id, over HTTP (three deliveries at once) and Socket Mode: one answer.",
    tests: [
      { file: FILES.slack, test: "the same event delivered three times at once is answered once" },
      { file: FILES.slack, test: "the same event delivered three times over the socket is answered once" },
    ],
  },
  {
    area: "Slack faults",
    case: "Socket Mode reconnect",
    behaviour:
      "After the link drops the client asks for a new one (apps.connections.open) and reconnects, about 5 s " +
      "later (the Socket Mode client's own delay); redeliveries are answered once, later events answered.",
    tests: [
      {
        file: FILES.slack,
        test: "Socket Mode reconnects after the link drops: later events are answered once",
      },
    ],
  },
  {
    area: "Redis faults",
    case: "Redis down at start",
    behaviour:
      "The bot exits with code 69 (EX_UNAVAILABLE) and one line naming REDIS_URL without its password; no " +
      "crash loop of its own.",
    tests: [
      {
        file: FILES.redis,
        test: "the bot exits at start with one line and no secret when Redis is unreachable",
      },
    ],
  },
  {
    area: "Redis faults",
    case: "Redis down at start: the message",
    behaviour: "The line says once what is wrong and what to do.",
    tests: [
      { file: FILES.redis, test: "the start-up message says what is wrong once, not nested in itself" },
    ],
  },
  {
    area: "Redis faults",
    case: "Redis down mid-run, back again",
    behaviour:
      "Every message on both platforms is answered once during the outage, from this process's memory; the " +
      "outage is logged once, bot_redis_up goes 1 → 0 → 1, and what the outage wrote is written back, so the " +
      "thread keeps its whole context afterwards. A Redis that comes back empty keeps what the outage wrote.",
    tests: [
      {
        file: FILES.redis,
        test: "answers every message once while Redis is down and after it returns, keeping each thread's context",
      },
      {
        file: "test/redis/outage.test.ts",
        test: "keeps answering from memory, logs the outage once, and writes back what happened once Redis returns",
      },
    ],
  },
  {
    area: "Redis faults",
    case: "Redis back again, without its latest keys: redeliveries",
    behaviour: "A Slack retry of an event answered before Redis restarted is not answered again.",
    tests: [
      {
        file: FILES.redis,
        test: "a Slack retry that arrives after Redis restarted without its latest keys is not answered a second time",
      },
    ],
  },
];
