import { z } from "zod";

/** One environment variable: how to parse it, and what the README and .env.example say of it. */
export interface VariableSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** The schema before blank values are mapped to undefined; read by the docs generator for defaults. */
  inner: z.ZodType;
  description: string;
  /** Never printed, logged or echoed in an error message. */
  secret?: boolean;
  /** Shown in .env.example; defaults are shown from the schema. */
  example?: string;
  /** Printed as the default in docs when the schema's default is not self-explanatory. */
  defaultText?: string;
}

/** An empty value in .env means "unset", as operators expect from `FOO=` lines. */
export const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

export function variable<S extends z.ZodType>(
  schema: S,
  spec: Omit<VariableSpec<S>, "schema" | "inner">,
): VariableSpec<z.ZodType<z.output<S>>> {
  return { ...spec, inner: schema, schema: z.preprocess(blankToUndefined, schema) };
}

export const env = {
  string: () => z.string().trim().min(1),
  url: () => z.url({ protocol: /^(https?|wss?|redis|rediss)$/ }),
  int: (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max),
  number: (min: number, max: number) => z.coerce.number().min(min).max(max),
  bool: () =>
    z.preprocess(
      (value) => {
        if (typeof value !== "string") return value;
        const lower = value.trim().toLowerCase();
        if (["true", "1", "yes", "on"].includes(lower)) return true;
        if (["false", "0", "no", "off"].includes(lower)) return false;
        return value;
      },
      z.boolean({ error: "expected true or false" }),
    ),
  /** Comma- or whitespace-separated ids. */
  list: () =>
    z.preprocess(
      (value) =>
        typeof value === "string"
          ? value
              .split(/[\s,]+/)
              .map((item) => item.trim())
              .filter(Boolean)
          : value,
      z.array(z.string()),
    ),
  enumOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.preprocess((value) => (typeof value === "string" ? value.trim().toLowerCase() : value), z.enum(values)),
};
