/**
 * Records every unhandled rejection and uncaught exception in this test process, so a test can assert
 * that a fault crashed nothing: a rejected promise nobody awaited would kill the production process
 * (Node's default) or at least lose an answer.
 */
export class ProcessGuard {
  readonly problems: string[] = [];
  private readonly onRejection = (reason: unknown) => {
    this.problems.push(`unhandledRejection: ${describe(reason)}`);
  };
  private readonly onException = (error: unknown) => {
    this.problems.push(`uncaughtException: ${describe(error)}`);
  };

  install(): this {
    process.on("unhandledRejection", this.onRejection);
    process.on("uncaughtException", this.onException);
    return this;
  }

  uninstall(): void {
    process.off("unhandledRejection", this.onRejection);
    process.off("uncaughtException", this.onException);
  }
}

function describe(reason: unknown): string {
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}
