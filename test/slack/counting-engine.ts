import { EventEmitter } from "node:events";
import type { InboundTurn } from "../../src/conversation/turn.ts";
import type { EngineCommand, EngineEvent, EngineResult } from "../../src/engine/events.ts";
import type { AskOptions, CommandOptions, ConversationEngine } from "../../src/engine/types.ts";
import { waitUntil } from "../fakes/slack/web-api.ts";

/**
 * The real engine, counting the questions it has finished. A turn that must leave no trace in Slack
 * (a silent refusal) gives a test nothing to wait for; this count, and then the adapter's idle(),
 * does: once both are reached, everything the adapter was going to post is in the fake.
 */
export class CountingEngine implements ConversationEngine {
  finished = 0;
  private readonly changes = new EventEmitter();

  constructor(private readonly inner: ConversationEngine) {
    this.changes.setMaxListeners(100);
  }

  async *ask(turn: InboundTurn, options?: AskOptions): AsyncGenerator<EngineEvent> {
    try {
      yield* this.inner.ask(turn, options);
    } finally {
      this.finished += 1;
      this.changes.emit("change");
    }
  }

  command(command: EngineCommand, turn: InboundTurn, options?: CommandOptions): Promise<EngineResult> {
    return this.inner.command(command, turn, options);
  }

  localeOf(turn: Pick<InboundTurn, "locale">): string {
    return this.inner.localeOf(turn);
  }

  /** Resolves once `count` questions have been finished in total. */
  waitForFinished(count: number): Promise<void> {
    return waitUntil(this.changes, () => this.finished >= count, `${count} finished questions`, 10_000);
  }
}
