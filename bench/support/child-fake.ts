import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export interface ChildFake {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const entry = fileURLToPath(new URL("../fakes/serve-instant-openai.ts", import.meta.url));

/** Starts the instant fake OpenAI server in a child process (stopped by its pid, via IPC disconnect). */
export async function startChildFake(): Promise<ChildFake> {
  const child = fork(entry, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [message] = (await once(child, "message")) as [{ url: string }];
  return {
    url: message.url,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.disconnect();
      await exited;
    },
  };
}
