import { StreamAbortedError, UpstreamTimeoutError } from "./errors.ts";

/**
 * Ends a stream that has gone silent. Any received byte counts as life (`touch`), SSE comments
 * included: DeepSeek keeps a queued request open with `: keep-alive` for many minutes, and giving
 * up on it would only send the retry to the back of the queue.
 */
export class IdleWatch {
  readonly expired: Promise<never>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly timeoutMs: number,
    onIdle: () => void,
  ) {
    let reject: (error: Error) => void = () => undefined;
    this.expired = new Promise<never>((_, fail) => {
      reject = fail;
    });
    this.expired.catch(() => undefined);
    this.timer = setTimeout(() => {
      reject(new UpstreamTimeoutError(`nothing received within ${timeoutMs} ms`));
      onIdle();
    }, timeoutMs);
  }

  touch(): void {
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** The iterator's next item, unless the stream goes idle or is aborted first. */
export async function nextBefore<T>(
  iterator: AsyncIterator<T>,
  watch: IdleWatch,
  controller: AbortController,
): Promise<IteratorResult<T>> {
  let onAbort: (() => void) | undefined;
  // The SDK's reader may not notice an abort until the next bytes arrive: end the wait at once.
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new StreamAbortedError("stream aborted by the caller"));
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([iterator.next(), watch.expired, aborted]);
  } finally {
    if (onAbort) controller.signal.removeEventListener("abort", onAbort);
  }
}
