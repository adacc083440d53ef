import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { type ClientMessage, nextClientMessage } from "../support/child-messages.ts";
import type { RealisticMessage, RealisticSetup } from "./client-process.ts";
import type { QuestionRecord, RealisticRun } from "./clients.ts";

const entry = fileURLToPath(new URL("./client-process.ts", import.meta.url));

type ChildMessage = ClientMessage<{ records: QuestionRecord[] }>;

function next(child: ChildProcess, type: "ready" | "done"): Promise<ChildMessage> {
  return nextClientMessage<{ records: QuestionRecord[] }>(child, type, "realistic client");
}

let preparations = 0;

/** One client of the side-by-side run: a process, or bot replicas sharing Redis that split the questions. */
export class RealisticProcesses {
  private constructor(
    readonly name: string,
    private readonly children: ChildProcess[],
    private readonly redisUrl: string | undefined,
  ) {}

  static start(name: string, replicas = 1, redisUrl?: string): RealisticProcesses {
    const children = Array.from({ length: replicas }, () =>
      fork(entry, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    return new RealisticProcesses(name, children, redisUrl);
  }

  /** A fresh client in every process; replicas take alternate questions. */
  async prepare(run: RealisticRun, warmupUrl: string): Promise<void> {
    const { children, redisUrl } = this;
    const keyPrefix = `realistic-${process.pid}-${preparations++}:`;
    await Promise.all(
      children.map((child, index) => {
        const ready = next(child, "ready");
        const questions = run.questions.filter((question) => question.index % children.length === index);
        const setup: RealisticSetup = {
          run: { ...run, questions },
          warmupUrl,
          ...(redisUrl ? { redis: { url: redisUrl, keyPrefix } } : {}),
        };
        child.send({ type: "setup", setup } satisfies RealisticMessage);
        return ready;
      }),
    );
  }

  async go(startEpoch: number): Promise<QuestionRecord[]> {
    const done = this.children.map((child) => next(child, "done"));
    for (const child of this.children) child.send({ type: "go", startEpoch } satisfies RealisticMessage);
    const results = (await Promise.all(done)) as { records: QuestionRecord[] }[];
    return results.flatMap((result) => result.records);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, "exit");
        if (child.connected) child.disconnect();
        const timer = setTimeout(() => {
          if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGTERM");
        }, 2000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
