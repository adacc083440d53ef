import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ShardedFakeDiscord } from "../fakes/discord/sharded-server.ts";
import { startFakeOpenAI } from "../fakes/openai-server.ts";
import { startFakeSlack } from "../fakes/slack/web-api.ts";
import { freePort } from "../support/redis-server.ts";
import { TEST_OPENAI_KEY } from "../support/services.ts";
import { copySteps, parseDockerfile, type Stage } from "./dockerfile.ts";

// No Docker engine here: replay the Dockerfile's stages in temporary directories instead (their COPY
// lines, their RUN lines, their ENV and the runtime's CMD). The build stage compiles the sources with
// `npm run build`; the runtime stage installs production dependencies and takes the compiled dist/.
// Then the production entry starts: healthy against fakes, and with the clear configuration error
// when misconfigured. It proves the image has every file and production dependency the bot loads.
const run = promisify(execFile);
const repo = join(import.meta.dirname, "..", "..");
const stages = parseDockerfile(readFileSync(join(repo, "Dockerfile"), "utf8"));
const runtime = stages.at(-1) as Stage;
/** Each replayed stage's directory (its WORKDIR), by stage name. */
const stageDirs = new Map<string, string>();
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

/**
 * Replays one stage into `dir`. In a build stage (one the runtime copies from), `npm ci` links the
 * repository's node_modules instead: the repository was installed by `npm ci` from the same lockfile,
 * and a second full install with dev dependencies would only cost time. The runtime's installs run.
 */
async function replay(stage: Stage, dir: string, env: Record<string, string>): Promise<void> {
  const copies = copySteps(stages, stage);
  let copyIndex = 0;
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "ENV") {
      for (const pair of instruction.rest.split(/\s+/)) {
        const [name, ...value] = pair.split("=");
        if (name) env[name] = value.join("=");
      }
    } else if (instruction.keyword === "COPY") {
      const step = copies[copyIndex++];
      if (!step) throw new Error("COPY lines out of step");
      const root = step.fromStage ? stageDirs.get(step.fromStage.name) : repo;
      if (!root) throw new Error(`COPY --from=${step.fromStage?.name}: that stage was not replayed first`);
      for (const source of step.sources) {
        const target = step.intoDirectory
          ? posix.join(step.destination, posix.basename(source))
          : step.destination;
        cpSync(join(root, source), join(dir, target), { recursive: true });
      }
    } else if (instruction.keyword === "RUN") {
      // Only npm steps are replayed; any other step must be taught to this test first.
      if (!instruction.rest.startsWith("npm "))
        throw new Error(`unknown RUN step in stage ${stage.name}: ${instruction.rest}`);
      if (stage !== runtime && /^npm ci(\s|$)/.test(instruction.rest)) {
        symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
        continue;
      }
      await run("sh", ["-c", instruction.rest], {
        cwd: dir,
        env: {
          ...process.env,
          ...env,
          npm_config_prefer_offline: "true",
          npm_config_update_notifier: "false",
        },
        timeout: 170_000,
      });
    } else if (!metadataOnly.has(instruction.keyword)) {
      throw new Error(`unknown instruction in stage ${stage.name}: ${instruction.keyword}`);
    }
  }
}

beforeAll(async () => {
  const used = new Set(
    copySteps(stages, runtime).flatMap((step) => (step.fromStage ? [step.fromStage] : [])),
  );
  for (const stage of stages.filter((candidate) => used.has(candidate))) {
    const dir = mkdtempSync(join(tmpdir(), `bot-${stage.name}-`));
    stageDirs.set(stage.name, dir);
    await replay(stage, dir, {});
  }
  image = mkdtempSync(join(tmpdir(), "bot-image-"));
  stageDirs.set(runtime.name, image);
  await replay(runtime, image, imageEnv);
}, 240_000);

afterAll(() => {
  for (const dir of stageDirs.values()) rmSync(dir, { recursive: true, force: true });
});

function commandOf(stage: Stage): string[] {
  const cmd = stage.instructions.find((instruction) => instruction.keyword === "CMD");
  if (!cmd) throw new Error("the runtime stage has no CMD");
  return JSON.parse(cmd.rest) as string[];
}

function compiledFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : compiledFiles(path);
    return name.endsWith(".js") ? [path] : [];
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
    // The compiled entry, loaded by node alone: no TypeScript loader in production.
    expect(args).toEqual(["dist/app/main.js"]);
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
    expect(existsSync(join(image, "dist", "app", "main.js"))).toBe(true);
    expect(existsSync(join(image, "dist", "app", "discord-shard.js"))).toBe(true);
    for (const devOnly of ["tsx", "esbuild", "@esbuild"]) {
      expect(existsSync(join(image, "node_modules", devOnly))).toBe(false);
    }
    expect(readdirSync(image).sort()).toEqual(["dist", "node_modules", "package-lock.json", "package.json"]);
    expect(existsSync(join(image, "node_modules", "vitest"))).toBe(false);
    expect(existsSync(join(image, "node_modules", "typescript"))).toBe(false);
    const missing = new Set<string>();
    const files = compiledFiles(image);
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
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

  it("starts the production entry healthy against Slack and the model, and stops cleanly on SIGTERM", async () => {
    const [slack, openai, port] = await Promise.all([startFakeSlack(), startFakeOpenAI(), freePort()]);
    const [, ...args] = commandOf(runtime);
    const bot = startInImage(args, {
      PORT: String(port),
      OPENAI_API_KEY: TEST_OPENAI_KEY,
      OPENAI_BASE_URL: openai.url,
      SLACK_BOT_TOKEN: "xoxb-image-test-token",
      SLACK_SIGNING_SECRET: "image-test-signing-secret",
      SLACK_API_URL: slack.apiUrl,
    });
    try {
      await bot.logged("bot started");
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(await bot.stop()).toBe(0);
    } finally {
      bot.kill();
      await Promise.all([slack.close(), openai.close()]);
    }
  }, 40_000);

  it("runs the compiled sharded entry, whose shard processes start without any TypeScript loader", async () => {
    const [discord, openai, port] = await Promise.all([
      ShardedFakeDiscord.start({ shardCount: 2, maxConcurrency: 16 }),
      startFakeOpenAI(),
      freePort(),
    ]);
    const manager = startInImage(["dist/app/sharded.js"], {
      PORT: String(port),
      OPENAI_API_KEY: TEST_OPENAI_KEY,
      OPENAI_BASE_URL: openai.url,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
    });
    try {
      await manager.logged("all shards ready");
      expect(discord.gateway.connectedShards()).toEqual([0, 1]);
      // A shard is ready for discord.js once connected; its bot reports ready once started too (shard 0
      // registers the commands first), so readiness follows within moments.
      await vi.waitFor(
        async () =>
          expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({
            ready: true,
            checks: { "shard-0": true, "shard-1": true },
          }),
        { timeout: 15_000, interval: 200 },
      );
      expect(await manager.stop()).toBe(0);
    } finally {
      manager.kill();
      await Promise.all([discord.close(), openai.close()]);
    }
  }, 60_000);
});

/** `node <args>` in the replayed image with the image's ENV, nothing inherited but PATH. */
function startInImage(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, {
    cwd: image,
    env: { PATH: process.env.PATH ?? "", HOME: image, ...imageEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | string | null);
  const lines = createInterface({ input: child.stdout });
  return {
    /** Resolves at the first log line with this message; rejects if the process exits first. */
    logged: (message: string) =>
      new Promise<void>((resolve, reject) => {
        lines.on("line", (line) => {
          if (line.includes(`"msg":"${message}"`)) resolve();
        });
        void exited.then((code) =>
          reject(new Error(`exited with ${String(code)} before "${message}": ${stderr}`)),
        );
      }),
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
