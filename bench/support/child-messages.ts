import type { ChildProcess } from "node:child_process";

/** What a benchmark client process reports over IPC: ready, done with its results, or its failure. */
export type ClientMessage<Done> =
  | { type: "ready" }
  | ({ type: "done" } & Done)
  | { type: "error"; error: string };

/**
 * The next `ready` or `done` message of a client process; rejects with `what` and the reason when the
 * client reports an error or exits first.
 */
export function nextClientMessage<Done>(
  child: ChildProcess,
  type: "ready" | "done",
  what: string,
): Promise<ClientMessage<Done>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ClientMessage<Done>) => {
      if (message.type === "error") finish(() => reject(new Error(`${what} failed: ${message.error}`)));
      else if (message.type === type) finish(() => resolve(message));
    };
    const onExit = (code: number | null) =>
      finish(() => reject(new Error(`${what} exited (${code}) before "${type}"`)));
    const finish = (settle: () => void) => {
      child.off("message", onMessage);
      child.off("exit", onExit);
      settle();
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/**
 * The client side: runs `handle` for each message from the parent (a failure is reported as an
 * `error` message, never thrown), and `close` before exiting when the parent goes away.
 */
export function serveParent<Message>(
  handle: (message: Message) => Promise<void>,
  close: () => Promise<void>,
): void {
  process.on("message", (message: Message) => {
    void handle(message).catch((error: unknown) => {
      process.send?.({
        type: "error",
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    });
  });
  process.on("disconnect", () => {
    void close().finally(() => process.exit(0));
  });
}
