/**
 * The `fetch` given to the SDK. It keeps two things the SDK hides:
 * - every body chunk that arrives, so that an SSE comment (`: keep-alive`, `: OPENROUTER PROCESSING`)
 *   counts as a live connection for the idle timer, though the SDK never yields it;
 * - the raw body of an error response, which the SDK drops unless it is `{"error": {...}}` (vLLM's
 *   legacy `{"object":"error",...}`, Gemini's `[{"error": ...}]`).
 */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const byteListeners = new WeakMap<Response, Set<() => void>>();
/** Keyed by the headers object, which the SDK passes on to the error it throws. */
const errorBodies = new WeakMap<Headers, string>();

/** Largest error body kept; the start of a body says what went wrong. */
const MAX_ERROR_BODY = 16_384;

export function createObservedFetch(inner: Fetch = fetch): Fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!response.ok) {
      const text = (await response.text().catch(() => "")).slice(0, MAX_ERROR_BODY);
      const copy = new Response(text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      errorBodies.set(copy.headers, text);
      return copy;
    }
    if (!response.body) return response;
    const listeners = new Set<() => void>();
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          for (const listener of listeners) listener();
          controller.enqueue(chunk);
        },
      }),
    );
    const observed = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    byteListeners.set(observed, listeners);
    return observed;
  };
}

/** Calls `listener` whenever bytes of `response`'s body arrive; returns the unsubscribe. */
export function onBodyBytes(response: Response, listener: () => void): () => void {
  const listeners = byteListeners.get(response);
  listeners?.add(listener);
  return () => listeners?.delete(listener);
}

/** The error response's body as received, when the observed fetch saw it. */
export function rawErrorBody(headers: unknown): string | undefined {
  return headers instanceof Headers ? errorBodies.get(headers) : undefined;
}
