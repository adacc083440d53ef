import { writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { startRedisServer } from "../test/support/redis-server.ts";
import { measureCache } from "./cache/measure.ts";
import { measureGoodput, type SharedRedis } from "./goodput/measure.ts";
import { measureMemory } from "./memory/measure.ts";
import { measureOverhead } from "./overhead/measure.ts";
import { type BenchProfile, fullProfile, quickProfile } from "./profiles.ts";
import { measureRealistic } from "./realistic/measure.ts";
import { renderReport } from "./report.ts";
import { measureStreaming } from "./streaming/measure.ts";
import { describeMachine } from "./support/machine.ts";
import { renderSection, type Section } from "./support/markdown.ts";

const args = process.argv.slice(2);
const profile: BenchProfile = args.includes("--quick") ? quickProfile : fullProfile;
const only = args
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const output =
  args.find((arg) => arg.startsWith("--out="))?.slice("--out=".length) ??
  fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);

type Measurement = { key: string; title: string; run: () => Promise<Section> };

async function withSharedRedis<T>(use: (redis: SharedRedis) => Promise<T>): Promise<T> {
  let server: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  try {
    server = await startRedisServer();
  } catch (error) {
    return use({
      unavailable: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error),
    });
  }
  try {
    return await use({ url: server.url });
  } finally {
    await server.close();
  }
}

const measurements: Measurement[] = [
  {
    key: "goodput",
    title: "1. Goodput under a rate limit",
    run: () => withSharedRedis((redis) => measureGoodput(profile.goodput, redis, log)),
  },
  { key: "overhead", title: "2. Overhead per message", run: () => measureOverhead(profile.overhead, log) },
  { key: "cache", title: "3. Cache savings", run: () => measureCache(profile.cache, log) },
  { key: "memory", title: "4. Memory", run: () => measureMemory(profile.memory, log) },
  {
    key: "streaming",
    title: "5. Streaming through the adapters",
    run: () => measureStreaming(profile.streaming, log),
  },
  {
    key: "realistic",
    title: "6. Latency under realistic load",
    run: () => withSharedRedis((redis) => measureRealistic(profile.realistic, redis, log)),
  },
];

/** A measurement that crashed still gets its section, saying so, so the report is never silently short. */
function failedSection(title: string, error: unknown): Section {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    title,
    intro: ["**This measurement failed in this run**; nothing was measured:", `\`\`\`\n${message}\n\`\`\``],
    tables: [],
    goals: [{ goal: "measurement ran", verdict: "not measured", detail: "crashed; see the error above" }],
    notes: [],
  };
}

const machine = describeMachine();
const loadBefore = loadavg();
const started = performance.now();
log(`Benchmarks (${profile.name}) on ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`);
const sections: Section[] = [];
for (const measurement of measurements) {
  if (only && !only.includes(measurement.key)) continue;
  log(`\n${measurement.title} ...`);
  const began = performance.now();
  let section: Section;
  try {
    section = await measurement.run();
  } catch (error) {
    section = failedSection(measurement.title, error);
  }
  section.notes.push(`This measurement took ${((performance.now() - began) / 1000).toFixed(0)} s.`);
  sections.push(section);
  log(`\n${renderSection(section)}`);
}
const report = renderReport(
  {
    machine,
    profile: profile.name,
    command: `npm run bench${profile.name === "quick" ? " -- --quick" : ""}${only ? ` -- --only=${only.join(",")}` : ""}`,
    durationS: (performance.now() - started) / 1000,
    loadBefore,
    loadAfter: loadavg(),
  },
  sections,
);
await writeFile(output, report);
log(`Wrote ${output}`);
// Keep-alive sockets of the SDK's HTTP agent would hold the process open for a few seconds more.
process.exit(0);
