/**
 * Upstream requests in flight in this process, up to a limit: a safety valve for sockets and memory,
 * not the pacing (the budgets do that). It never queues; the pacing queue asks it for a slot when a
 * request may go and is told through `onFree` when one comes back.
 */
export class ConcurrencyGate {
  private held = 0;
  private current: number;
  /** Called after a slot came back. */
  onFree: () => void = () => {};

  constructor(readonly maximum: number) {
    this.current = maximum;
  }

  get inFlight(): number {
    return this.held;
  }

  get limit(): number {
    return this.current;
  }

  /** Narrows (or widens back, never past the maximum) the limit; requests in flight keep their slots. */
  setLimit(limit: number): void {
    const widened = limit > this.current;
    this.current = Math.max(1, Math.min(this.maximum, limit));
    if (widened) this.onFree();
  }

  tryTake(): boolean {
    if (this.held >= Math.floor(this.current)) return false;
    this.held++;
    return true;
  }

  release(): void {
    this.releaseQuietly();
    this.onFree();
  }

  /** Gives a slot back without telling anyone (it was taken only to be handed on, and was not). */
  releaseQuietly(): void {
    this.held = Math.max(0, this.held - 1);
  }
}
