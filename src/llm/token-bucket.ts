/** A bucket of `capacity` units refilled evenly over `periodMs`; units may be taken on credit. */
export class TokenBucket {
  private level: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    private readonly periodMs: number,
    now: number,
  ) {
    this.level = capacity;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.level = Math.min(this.capacity, this.level + (elapsed * this.capacity) / this.periodMs);
    this.updatedAt = now;
  }

  /** Milliseconds until `amount` units are available (0 = now). Amounts above capacity wait for a full bucket. */
  waitFor(amount: number, now: number): number {
    this.refill(now);
    const needed = Math.min(amount, this.capacity) - this.level;
    return needed <= 0 ? 0 : Math.ceil((needed * this.periodMs) / this.capacity);
  }

  /** Milliseconds until `amount` in total could have been taken, beyond the capacity too (estimates). */
  timeFor(amount: number, now: number): number {
    this.refill(now);
    const needed = amount - this.level;
    return needed <= 0 ? 0 : Math.ceil((needed * this.periodMs) / this.capacity);
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.level -= amount;
  }

  give(amount: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.capacity, this.level + amount);
  }
}
