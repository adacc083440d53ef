import { posix } from "node:path";

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  /** Options such as `--from=build` or `--mount=...`. */
  flags: string[];
  /** The rest of the line after the flags. */
  rest: string;
}

export interface Stage {
  name: string;
  workdir: string;
  instructions: Instruction[];
}

/** The few instruction forms our Dockerfile uses; anything else is an error so the replay never drifts. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = "", ...words] = line.split(/\s+/);
    const flags: string[] = [];
    while (words[0]?.startsWith("--")) flags.push(words.shift() as string);
    const instruction: Instruction = { keyword: keyword.toUpperCase(), flags, rest: words.join(" ") };
    if (instruction.keyword === "FROM") {
      const alias = /\s+AS\s+(\S+)$/i.exec(instruction.rest)?.[1] ?? String(stages.length);
      stages.push({ name: alias, workdir: "/", instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue; // ARG and parser directives before the first FROM
    if (instruction.keyword === "WORKDIR") stage.workdir = posix.resolve(stage.workdir, instruction.rest);
    stage.instructions.push(instruction);
  }
  return stages;
}

export interface CopyStep {
  /** The stage the sources come from (`--from=`), or undefined for the build context (the repository). */
  fromStage?: Stage;
  /** Paths relative to the build context, or to `fromStage`'s WORKDIR. */
  sources: string[];
  /** Destination relative to the stage's WORKDIR. */
  destination: string;
  /** The sources land inside `destination` (several sources, or a destination ending in `/`). */
  intoDirectory: boolean;
}

/** What each of a stage's COPY lines brings in, in order. */
export function copySteps(stages: readonly Stage[], stage: Stage): CopyStep[] {
  const steps: CopyStep[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== "COPY") continue;
    const words = instruction.rest.split(/\s+/);
    const destination = words.pop() ?? ".";
    const from = instruction.flags.find((flag) => flag.startsWith("--from="))?.slice("--from=".length);
    const fromStage = from === undefined ? undefined : stages.find((candidate) => candidate.name === from);
    if (from !== undefined && !fromStage) throw new Error(`COPY --from=${from}: no such stage`);
    const sources = fromStage
      ? words.map((path) => relativeTo(fromStage.workdir, path))
      : words.map((path) => posix.normalize(path));
    steps.push({
      ...(fromStage ? { fromStage } : {}),
      sources,
      destination: relativeTo(stage.workdir, destination),
      intoDirectory: sources.length > 1 || destination.endsWith("/") || destination === ".",
    });
  }
  return steps;
}

function relativeTo(workdir: string, path: string): string {
  const relative = posix.relative(workdir, posix.resolve(workdir, path)) || ".";
  if (relative.startsWith("..")) throw new Error(`${path} is outside the WORKDIR ${workdir}`);
  return relative;
}
