import { readFileSync } from "node:fs";

/** `OPENAI_API_KEY` -> `OPENAI_API_KEY_FILE`: the Docker and Kubernetes convention for mounted secrets. */
export const fileVariableOf = (name: string) => `${name}_FILE`;

export type ReadText = (path: string) => string;

const readUtf8: ReadText = (path) => readFileSync(path, "utf8");

/** What reading the `_FILE` variables gave: the environment with the values in, and what went wrong. */
export interface SecretFileResult {
  environment: Record<string, string | undefined>;
  problems: string[];
  /** Secret name -> the file it was read from, for watching the files for changes. */
  files: Map<string, string>;
  /** Secrets whose file could not be read (left unset). */
  unreadable: string[];
}

/**
 * For each secret `NAME`, a set `NAME_FILE` names a file holding its value; its trailing line break is
 * not part of the value (editors and `echo` add one). Both set is an error, since it is unclear which
 * one the operator meant. Messages name the variables and the path, never a value.
 */
export function readSecretFiles(
  environment: Record<string, string | undefined>,
  secretNames: Iterable<string>,
  read: ReadText = readUtf8,
): SecretFileResult {
  const out = { ...environment };
  const problems: string[] = [];
  const files = new Map<string, string>();
  const unreadable: string[] = [];
  for (const name of secretNames) {
    const path = environment[fileVariableOf(name)]?.trim();
    if (!path) continue;
    if (environment[name]?.trim()) {
      problems.push(
        `${name} and ${fileVariableOf(name)} are both set; keep one of them (the file for mounted secrets).`,
      );
      continue;
    }
    try {
      out[name] = read(path).replace(/\r?\n$/, "");
      files.set(name, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      unreadable.push(name);
      problems.push(`${fileVariableOf(name)} names ${path}, which cannot be read (${code}).`);
    }
  }
  return { environment: out, problems, files, unreadable };
}
