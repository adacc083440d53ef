import { fork } from "node:child_process";
import { once } from "node:events";

type Reply<T> = { ok: true; result: T } | { ok: false; error: string };

/**
 * Runs `task` of a worker module in a fresh Node process (tsx loaded), so a heap measurement starts
 * from a clean heap and nothing of an earlier measurement lingers. The worker answers over IPC.
 */
export async function runInChild<T>(entry: string, task: string, args: unknown): Promise<T> {
  const child = fork(entry, [task, JSON.stringify(args)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = once(child, "exit");
  const [reply] = (await Promise.race([once(child, "message"), exited.then(() => [undefined])])) as [
    Reply<T> | undefined,
  ];
  if (child.exitCode === null) child.disconnect();
  await exited;
  if (!reply) throw new Error(`${task} in ${entry} exited without a result`);
  if (!reply.ok) throw new Error(`${task} failed: ${reply.error}`);
  return reply.result;
}

/** The worker side: runs the named task with the parsed argument and replies once. */
export async function serveChildTask(
  tasks: Record<string, (args: never) => Promise<unknown>>,
): Promise<void> {
  const [task = "", raw = "null"] = process.argv.slice(2);
  const run = tasks[task];
  try {
    if (!run) throw new Error(`unknown task ${task}`);
    const result = await run(JSON.parse(raw) as never);
    process.send?.({ ok: true, result });
  } catch (error) {
    process.send?.({
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  process.disconnect?.();
}
