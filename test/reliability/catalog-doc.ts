import { type Area, catalog, type ReliabilityCase } from "./catalog.ts";

/** What every test of an area checks besides its own assertions. */
const areaNotes: Record<Area, string> = {
  "LLM faults":
    "Each fault runs end to end through a Discord mention and a Slack mention (real discord.js and Bolt against " +
    "the fake platforms, the real LLM client against the fake OpenAI server, LLM_MAX_ATTEMPTS=3, " +
    "LLM_TIMEOUT_MS=600 for the timeout faults). Every test checks: exactly one message answers the question (no second post), no " +
    "unhandled rejection, the next question's request carries exactly what the user saw (a failed turn leaves " +
    "nothing), and the message, answer and attempt counters of the Prometheus metrics move by exactly the " +
    "expected amounts.",
  "Discord faults":
    "Injected by the fake Discord on REST routes, or by cutting the gateway connection in a proxy.",
  "Slack faults": "Injected by the fake Web API, or by cutting the Socket Mode connection in a proxy.",
  "Redis faults":
    "Against a real redis-server started for the test, and the bot process itself for the start-up case.",
  "Bad input": "Sent through both adapters unless the input only exists on one platform.",
  Security: "",
  Load: "",
  Properties: "fast-check properties over the text pipeline.",
};

const areas: Area[] = [
  "LLM faults",
  "Discord faults",
  "Slack faults",
  "Redis faults",
  "Bad input",
  "Security",
  "Load",
  "Properties",
];

/** `|` ends a Markdown table cell: written as `\|` inside one. */
const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The tests of a case, grouped by file: `file`: “test”, “test”. */
function proof(item: ReliabilityCase): string {
  const byFile = new Map<string, string[]>();
  for (const ref of item.tests)
    byFile.set(ref.file, [...(byFile.get(ref.file) ?? []), `“${cell(ref.test)}”`]);
  return [...byFile].map(([file, tests]) => `\`${file}\`: ${tests.join(", ")}`).join("<br>");
}

function row(item: ReliabilityCase): string {
  const status = item.doesNotHoldYet ? `**does not hold yet**: ${cell(item.doesNotHoldYet)}` : "holds";
  return `| ${cell(item.case)} | ${cell(item.behaviour)} | ${proof(item)} | ${status} |`;
}

/** RELIABILITY.md, generated from the catalog. */
export function renderReliabilityDoc(cases: readonly ReliabilityCase[] = catalog): string {
  const pending = cases.filter((item) => item.doesNotHoldYet);
  const lines = [
    "# Reliability",
    "",
    "<!-- Generated from test/reliability/catalog.ts by `npm run reliability:doc`; a test fails when it is stale. -->",
    "",
    "The promise: every message a person sends gets exactly one final reply, an answer or a short clear",
    "error; nothing crashes the process; nothing leaks a secret or pings a crowd; memory stays bounded. Each",
    "row below is a fault, a bad input or a security rule, what the bot does, and the tests that prove it.",
    "All of them run in `npm test` (`npx vitest run test/reliability` runs this suite alone).",
    "",
    `**${cases.length} cases: ${cases.length - pending.length} hold, ${pending.length} do not hold yet.**`,
    "",
    "A case that does not hold yet says what goes wrong; its test is written for the right behaviour and",
    "marked `it.fails`, so it turns red (and this table must change) the day the bug is fixed.",
    "",
    "`npm run soak` runs the long load test: more conversations and turns for longer, printing the bot's p99",
    "overhead and the heap as it goes.",
  ];
  for (const area of areas) {
    const items = cases.filter((item) => item.area === area);
    if (items.length === 0) continue;
    lines.push("", `## ${area}`, "");
    if (areaNotes[area]) lines.push(areaNotes[area], "");
    lines.push("| case | what the bot does | proof | status |", "|---|---|---|---|");
    for (const item of items) lines.push(row(item));
  }
  return `${lines.join("\n")}\n`;
}
