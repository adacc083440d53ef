import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A real redis-server owned by one test file: started on a free port, stopped by pid. */
export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM by pid) and waits for it to exit; the data is gone (no persistence). */
  stop(): Promise<void>;
  /** Starts a fresh server on the same port, e.g. after `stop()` to simulate an outage that ends. */
  restart(): Promise<void>;
  /** Stops the server and removes its working directory; for afterAll. */
  close(): Promise<void>;
}

const startHint =
  "redis-server is not installed. Install it (Debian/Ubuntu: apt-get install -y redis-server) or run .ci/run, " +
  "which installs it. The Redis suites never skip.";

/** Throws a clear error when the binary is missing: a Redis test must fail, never pass by skipping. */
export function assertRedisServerInstalled(): void {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) throw new Error(startHint);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.once("error", (error) => reject(new Error(`${startHint} (${error.message})`)));
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)),
    );
  });
  await ready;
  // Keep draining so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, "exit");
  process.kill(child.pid, "SIGTERM");
  await exited;
}

/** Starts redis-server on a free 127.0.0.1 port, retrying if another process grabbed the port first. */
export async function startRedisServer(): Promise<RedisServer> {
  assertRedisServerInstalled();
  const dir = mkdtempSync(join(tmpdir(), "redis-test-"));
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 1; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, dir);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  let current: ChildProcess = child;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return current.pid;
    },
    stop: async () => {
      await kill(current);
    },
    restart: async () => {
      await kill(current);
      current = await launch(port, dir);
    },
    close: async () => {
      await kill(current);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
