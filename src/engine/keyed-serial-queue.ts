/**
 * Runs work for one key strictly in order, different keys in parallel: two messages in one thread
 * must not both read the history before either answer is written.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Resolves when every earlier holder of `key` has released; call the returned function to release. */
  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      // Drop the entry once nobody queued behind us, so idle keys cost no memory.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }

  get activeKeys(): number {
    return this.tails.size;
  }
}
