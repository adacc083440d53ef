import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copySteps, parseDockerfile, type Stage } from "./dockerfile.ts";

// No Docker engine here: replay the Dockerfile's runtime stage in a temporary directory instead (its
// COPY lines, its RUN lines, its ENV and its CMD) and start the production entry with a bad
// configuration. It proves the image has every file and production dependency the bot needs to
// load, and that a misconfigured container exits with the clear configuration error.
const run = promisify(execFile);
const repo = join(import.meta.dirname, "..", "..");
const stages = parseDockerfile(readFileSync(join(repo, "Dockerfile"), "utf8"));
const runtime = stages.at(-1) as Stage;
let image: string;
const imageEnv: Record<string, string> = {};

/** Instructions that change nothing on disk or that the replay handles itself. */
const metadataOnly = new Set([
  "ARG",
  "WORKDIR",
  "USER",
  "EXPOSE",
  "HEALTHCHECK",
  "LABEL",
  "STOPSIGNAL",
  "CMD",
]);

beforeAll(async () => {
  image = mkdtempSync(join(tmpdir(), "bot-image-"));
  const copies = copySteps(stages, runtime);
  let copyIndex = 0;
  for (const instruction of runtime.instructions) {
    if (instruction.keyword === "ENV") {
      for (const pair of instruction.rest.split(/\s+/)) {
        const [name, ...value] = pair.split("=");
        if (name) imageEnv[name] = value.join("=");
      }
    } else if (instruction.keyword === "COPY") {
      const step = copies[copyIndex++];
      if (!step) throw new Error("COPY lines out of step");
      for (const source of step.sources) {
        const target = step.intoDirectory
          ? posix.join(step.destination, posix.basename(source))
          : step.destination;
        cpSync(join(repo, source), join(image, target), { recursive: true });
      }
    } else if (instruction.keyword === "RUN") {
      // Only npm steps are replayed; any other step must be taught to this test first.
      if (!instruction.rest.startsWith("npm "))
        throw new Error(`unknown RUN step in the runtime stage: ${instruction.rest}`);
      await run("sh", ["-c", instruction.rest], {
        cwd: image,
        env: {
          ...process.env,
          ...imageEnv,
          npm_config_prefer_offline: "true",
          npm_config_update_notifier: "false",
        },
        timeout: 170_000,
      });
    } else if (!metadataOnly.has(instruction.keyword)) {
      throw new Error(`unknown instruction in the runtime stage: ${instruction.keyword}`);
    }
  }
}, 180_000);

afterAll(() => {
  if (image) rmSync(image, { recursive: true, force: true });
});

function commandOf(stage: Stage): string[] {
  const cmd = stage.instructions.find((instruction) => instruction.keyword === "CMD");
  if (!cmd) throw new Error("the runtime stage has no CMD");
  return JSON.parse(cmd.rest) as string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** Packages a file loads at run time: type-only imports are erased and do not count. */
function runtimePackages(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'"]*?\sfrom\s+["']([^"']+)["']/gm),
    ...code.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
    ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1] ?? "");
  return specifiers
    .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("/") && !isBuiltin(specifier))
    .map((specifier) =>
      specifier
        .split("/")
        .slice(0, specifier.startsWith("@") ? 2 : 1)
        .join("/"),
    );
}

describe("the production image, replayed from the Dockerfile", () => {
  it("runs node itself (not npm), so SIGTERM reaches the bot", () => {
    const [program, ...args] = commandOf(runtime);
    expect(program).toBe("node");
    expect(args).toContain("tsx");
    expect(runtime.instructions.some((i) => i.keyword === "USER" && i.rest !== "root")).toBe(true);
    expect(runtime.instructions.some((i) => i.keyword === "HEALTHCHECK" && i.rest.includes("/healthz"))).toBe(
      true,
    );
  });

  it("keeps secrets and dev-only trees out of the build context", () => {
    const ignored = readFileSync(join(repo, ".dockerignore"), "utf8").split("\n");
    for (const entry of [".env", "node_modules", ".git"]) expect(ignored).toContain(entry);
  });

  it("installs production dependencies only, and every package the code loads is among them", () => {
    expect(existsSync(join(image, "node_modules", "tsx"))).toBe(true);
    expect(existsSync(join(image, "node_modules", "vitest"))).toBe(false);
    expect(existsSync(join(image, "node_modules", "typescript"))).toBe(false);
    const missing = new Set<string>();
    for (const file of sourceFiles(image)) {
      for (const name of runtimePackages(readFileSync(file, "utf8"))) {
        if (!existsSync(join(image, "node_modules", name, "package.json"))) {
          missing.add(`${name} (imported by ${file.slice(image.length + 1)})`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });

  it("starts the production entry and exits 78 with the clear configuration error", async () => {
    const [, ...args] = commandOf(runtime);
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: image,
      ...imageEnv,
      // Bad on purpose: the key is missing and a number is not one.
      LLM_MAX_CONCURRENCY: "lots",
    };
    const outcome = await run(process.execPath, args, { cwd: image, env, timeout: 30_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? "" }),
    );
    expect(outcome.stderr).toContain("Invalid configuration");
    expect(outcome.stderr).toContain("OPENAI_API_KEY is missing");
    expect(outcome.stderr).toContain("LLM_MAX_CONCURRENCY is invalid");
    expect(outcome.code).toBe(78);
  }, 40_000);
});
