/** The fields of a provider's error body that say what went wrong, whatever its shape. */
export interface ProviderErrorFields {
  message: string;
  type: string;
  code: string;
  /** Google's status word, e.g. RESOURCE_EXHAUSTED, INVALID_ARGUMENT. */
  status: string;
  /** Azure's `innererror.code`, e.g. ResponsibleAIPolicyViolation. */
  innerCode: string;
}

/**
 * Reads an error body in every shape providers send: OpenAI's `{"error":{...}}` (Azure adds
 * `innererror`), Gemini's `[{"error":{...}}]`, vLLM's legacy `{"object":"error","message":...}`,
 * FastAPI's `{"detail":...}`, or plain text. Values are "" when absent; all but `message` are
 * lower-cased for matching. The message keeps its case: it is logged, and a secret echoed in it must
 * still be recognized (and scrubbed) as the secret.
 */
export function readErrorBody(raw: string | undefined): ProviderErrorFields | undefined {
  if (!raw?.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { message: raw.slice(0, 500), type: "", code: "", status: "", innerCode: "" };
  }
  const root = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!isRecord(root)) return undefined;
  const error = isRecord(root.error) ? root.error : root;
  const inner = isRecord(error.innererror) ? error.innererror : {};
  const message = text(error.message) || text(root.detail) || text(root.message);
  return {
    message,
    type: text(error.type).toLowerCase(),
    code: text(error.code).toLowerCase(),
    status: text(error.status).toLowerCase(),
    innerCode: text(inner.code).toLowerCase(),
  };
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  // FastAPI/pydantic validation errors: a list of {loc, msg}.
  if (Array.isArray(value) || isRecord(value)) return JSON.stringify(value);
  return "";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
