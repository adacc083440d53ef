import { z } from "zod";

/** One environment variable: how to parse it, and what the README and .env.example say of it. */
export interface VariableSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  description: string;
  /** Never printed, logged or echoed in an error message. */
  secret?: boolean;
  /** Shown in .env.example; defaults are shown from the schema. */
  example?: string;
  /** Printed as the default in docs when the schema's default is not self-explanatory. */
  defaultText?: string;
}

export function variable<S extends z.ZodType>(schema: S, spec: Omit<VariableSpec<S>, "schema">): VariableSpec<S> {
  return { schema, ...spec };
}

/** An empty value in .env means "unset", as operators expect from `FOO=` lines. */
const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const env = {
  string: () => z.preprocess(blankToUndefined, z.string().trim().min(1)),
  url: () => z.preprocess(blankToUndefined, z.url({ protocol: /^(https?|wss?|redis|rediss)$/ })),
  int: (min: number, max = Number.MAX_SAFE_INTEGER) =>
    z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max)),
  number: (min: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().min(min).max(max)),
  bool: () =>
    z.preprocess(
      (value) => {
        const v = blankToUndefined(value);
        if (typeof v !== "string") return v;
        const lower = v.trim().toLowerCase();
        if (["true", "1", "yes", "on"].includes(lower)) return true;
        if (["false", "0", "no", "off"].includes(lower)) return false;
        return v;
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
    z.preprocess((value) => {
      const v = blankToUndefined(value);
      return typeof v === "string" ? v.trim().toLowerCase() : v;
    }, z.enum(values)),
};
