import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import {
  type Adapter,
  type ConversationEngine,
  deliverAnswer,
  type EngineCommand,
  type InboundTurn,
  type Logger,
} from "../../src/index.ts";
import { TerminalSurface } from "./terminal-surface.ts";

export interface ConsoleAdapterOptions {
  engine: ConversationEngine;
  input: Readable;
  output: Writable;
  /** Show a prompt and a greeting: true for a terminal, false for piped input. */
  interactive: boolean;
  locale?: string;
  userName?: string;
  logger: Logger;
}

const commands: Record<string, EngineCommand> = {
  reset: "reset",
  "/reset": "reset",
  help: "help",
  "/help": "help",
  usage: "usage",
  "/usage": "usage",
};

/**
 * The terminal as a platform: one conversation, answers streamed as they arrive. Lines are handled
 * strictly in order, so piped input gets its answers in the order of its questions.
 */
export class ConsoleAdapter implements Adapter {
  readonly name = "console";
  private readline: Interface | undefined;
  private finished: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConsoleAdapterOptions) {}

  async start(): Promise<void> {
    const { input, output, interactive } = this.options;
    const readline = createInterface({ input, terminal: false });
    this.readline = readline;
    if (interactive) output.write("Chat with the bot. Commands: reset, usage, help, exit.\n> ");
    let chain = Promise.resolve();
    let closeRequested = false;
    readline.on("line", (line) => {
      chain = chain.then(async () => {
        if (closeRequested) return;
        const text = line.trim();
        if (text === "exit" || text === "quit") {
          closeRequested = true;
          readline.close();
          return;
        }
        if (text) await this.handle(text);
        if (interactive && !closeRequested) output.write("> ");
      });
    });
    this.finished = new Promise((resolve) => {
      readline.on("close", () => {
        chain.then(resolve, resolve);
      });
    });
  }

  /** Resolves once input has ended and every answer is printed. */
  done(): Promise<void> {
    return this.finished;
  }

  async stop(): Promise<void> {
    this.readline?.close();
    await this.finished;
  }

  private turn(text: string): InboundTurn {
    return {
      platform: "console",
      workspaceId: "local",
      channelId: "terminal",
      threadId: "main",
      userId: "local-user",
      userName: this.options.userName ?? "you",
      text,
      isDirectMessage: true,
      ...(this.options.locale ? { locale: this.options.locale } : {}),
    };
  }

  private async handle(text: string): Promise<void> {
    const { engine, output } = this.options;
    const command = commands[text.toLowerCase()];
    if (command) {
      const result = await engine.command(command, this.turn(text), {
        commandNames: { ask: "(just type)", reset: "reset", usage: "usage", help: "help" },
      });
      output.write(`${result.text}\n`);
      return;
    }
    const surface = new TerminalSurface(output);
    await deliverAnswer(engine, this.turn(text), surface, {
      editIntervalMs: 0,
      pendingDelayMs: 0,
      logger: this.options.logger,
    });
    surface.close();
  }
}
