import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";

const repo = join(import.meta.dirname, "..", "..");

/**
 * A bot started as its own process, the way production runs it (`node --import tsx <entry>`), for
 * tests with several replicas, shards or a real SIGTERM. Logs are pino JSON lines on stdout.
 */
export interface BotProcess {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Every parsed stdout log line so far (unparseable lines are kept as `{ raw }`). */
  readonly logs: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line (past or future) for which `match` is true. */
  waitForLog(
    match: (entry: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Sends a signal by pid and resolves with the exit code (or the killing signal's name). */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
  /** Resolves when the process exits by itself. */
  exited(): Promise<number | string | null>;
}

export interface BotProcessOptions {
  /** Repository-relative entry, `app/main.ts` by default. */
  entry?: string;
  /** The bot's environment; nothing is inherited but PATH and HOME, so a developer's .env never leaks in. */
  env: Record<string, string>;
}

export function startBotProcess(options: BotProcessOptions): BotProcess {
  const child = spawn(process.execPath, ["--import", "tsx", options.entry ?? "app/main.ts"], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "debug", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  const watchers = new Set<() => void>();
  let stderr = "";
  let pending = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
    for (const watcher of watchers) watcher();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exit = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | string | null);

  return {
    child,
    pid: child.pid,
    logs,
    stderr: () => stderr,
    waitForLog: (match, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching log line within ${timeoutMs} ms; stderr:\n${stderr}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`bot exited before the expected log line; stderr:\n${stderr}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          watchers.delete(check);
          child.off("exit", onExit);
        };
        watchers.add(check);
        child.once("exit", onExit);
        check();
      }),
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, signal);
      }
      return exit;
    },
    exited: () => exit,
  };
}
