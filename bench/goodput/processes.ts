import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { type ClientMessage, nextClientMessage } from "../support/child-messages.ts";
import type { ProcessSetup } from "./client-process.ts";
import type { BurstCounts, ClientSpec } from "./clients.ts";

const entry = fileURLToPath(new URL("./client-process.ts", import.meta.url));

type ChildMessage = ClientMessage<BurstCounts>;

/** A client as measured: one process, or several bot replicas sharing Redis, splitting the burst. */
export interface GoodputClient {
  name: string;
  spec: ClientSpec;
  replicas?: { count: number; redisUrl: string };
}

export interface BurstTiming extends BurstCounts {
  /** performance.now() in this process when "go" was sent and when the last "done" arrived. */
  startedAt: number;
  endedAt: number;
}

function next(child: ChildProcess, type: "ready" | "done"): Promise<ChildMessage> {
  return nextClientMessage<BurstCounts>(child, type, "goodput client");
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => {
    // Keep-alive sockets can hold a child open after it let go of IPC; it has reported, so end it.
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGTERM");
  }, 2000);
  await exited;
  clearTimeout(timer);
}

let preparations = 0;

/** The processes of one client, kept across repetitions. */
export class ClientProcesses {
  private constructor(
    readonly client: GoodputClient,
    private readonly children: ChildProcess[],
  ) {}

  static start(client: GoodputClient): ClientProcesses {
    const count = client.replicas?.count ?? 1;
    const children = Array.from({ length: count }, () =>
      fork(entry, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    return new ClientProcesses(client, children);
  }

  /** A fresh client in every process (new limiter; new Redis keys, shared by the replicas), ready to go. */
  async prepare(baseUrl: string, warmupUrl: string, questions: readonly string[]): Promise<void> {
    const { client, children } = this;
    const keyPrefix = `bench-${process.pid}-${preparations++}:`;
    await Promise.all(
      children.map((child, index) => {
        const ready = next(child, "ready");
        const setup: ProcessSetup = {
          spec: client.spec,
          baseUrl,
          warmupUrl,
          questions: questions.filter((_, i) => i % children.length === index),
          ...(client.replicas ? { redis: { url: client.replicas.redisUrl, keyPrefix } } : {}),
        };
        child.send({ type: "setup", setup });
        return ready;
      }),
    );
  }

  /** Sends "go" to every process; resolves when all are done. */
  async go(): Promise<BurstTiming> {
    const done = this.children.map((child) => next(child, "done"));
    const startedAt = performance.now();
    for (const child of this.children) child.send({ type: "go" });
    const results = (await Promise.all(done)) as (BurstCounts & { type: "done" })[];
    return {
      answered: results.reduce((sum, result) => sum + result.answered, 0),
      failed: results.reduce((sum, result) => sum + result.failed, 0),
      startedAt,
      endedAt: performance.now(),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map(stop));
  }
}
