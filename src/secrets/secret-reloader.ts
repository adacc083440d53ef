import { statSync } from "node:fs";
import { secretVariableNames } from "../config/config.ts";
import { type ReadText, readSecretFiles } from "../config/secret-files.ts";
import type { Logger } from "../observability/logger.ts";
import { keyFingerprint } from "./fingerprint.ts";

/** A secret the running bot can swap: how to check a new value, and how to start using it. */
export interface RotatableSecret {
  /** The variable, e.g. `OPENAI_API_KEY`. */
  name: string;
  /** Throws when the service refuses the new value (a revoked or mistyped key). */
  validate(value: string): Promise<void>;
  /**
   * New requests use `value` from now on; requests under way finish with what they started with. A
   * rejection (a reconnection that failed) counts as a refusal: the old value stays.
   */
  apply(value: string): void | Promise<void>;
}

export interface SecretReloaderOptions {
  /** The process environment: `<NAME>_FILE` paths are read from it again on every reload. */
  environment: Record<string, string | undefined>;
  /** The secrets in use, by variable name (the configuration the bot started with). */
  inUse: Readonly<Record<string, unknown>>;
  rotatable: readonly RotatableSecret[];
  logger: Logger;
  now: () => number;
  /** Called with the time of each reload that refused nothing. */
  onReloaded?: (atMs: number) => void;
  readText?: ReadText;
}

export interface ReloadOutcome {
  /** Secrets now in use with a new value. */
  swapped: string[];
  /** New values that failed validation or could not be read; the old ones stay. */
  refused: string[];
  /** Changed secrets that only a restart applies (the platform connections' own tokens). */
  needRestart: string[];
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Re-reads the secrets (on SIGHUP, and when a `<NAME>_FILE` changes: Kubernetes rewrites mounted
 * secrets in place), validates each changed one against its service and swaps it in. A value the
 * service refuses is logged in one line and not used. Reloads run one at a time.
 */
export class SecretReloader {
  private readonly inUse: Record<string, string | undefined> = {};
  private readonly announced = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SecretReloaderOptions) {
    for (const name of secretVariableNames) {
      const value = options.inUse[name];
      if (typeof value === "string") this.inUse[name] = value;
    }
  }

  reload(reason: string): Promise<ReloadOutcome> {
    const next = this.queue.then(() => this.reloadNow(reason));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Polls the secret files every `intervalMs` (a stat, which follows the symlinks Kubernetes swaps)
   * and reloads when one changed. Returns the function that stops watching.
   */
  watchFiles(intervalMs: number): () => void {
    const { files } = readSecretFiles(this.options.environment, secretVariableNames, () => "");
    const paths = [...new Set(files.values())];
    if (intervalMs <= 0 || paths.length === 0) return () => {};
    // The baseline is taken now, so that a change right after this call is never mistaken for it.
    const seen = new Map(paths.map((path) => [path, stamp(path)]));
    const timer = setInterval(() => {
      let changed = false;
      for (const path of paths) {
        const now = stamp(path);
        if (now !== seen.get(path)) changed = true;
        seen.set(path, now);
      }
      if (changed) void this.reload("a secret file changed");
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async reloadNow(reason: string): Promise<ReloadOutcome> {
    const { logger } = this.options;
    const read = readSecretFiles(this.options.environment, secretVariableNames, this.options.readText);
    const outcome: ReloadOutcome = { swapped: [], refused: [...read.unreadable], needRestart: [] };
    for (const problem of read.problems) {
      // Names a file and a path, never a value.
      logger.error(
        { reason, problem },
        "secret reload: a secret file could not be read; the old value stays",
      );
    }
    for (const name of secretVariableNames) {
      const value = read.environment[name]?.trim();
      const old = this.inUse[name];
      if (!value || value === old) continue;
      const rotatable = this.options.rotatable.find((secret) => secret.name === name);
      if (!rotatable) {
        if (this.announced.get(name) !== value) {
          logger.warn({ reason, secret: name }, "secret changed; it takes effect at the next restart");
          this.announced.set(name, value);
        }
        outcome.needRestart.push(name);
        continue;
      }
      try {
        await rotatable.validate(value);
        await rotatable.apply(value);
      } catch (error) {
        outcome.refused.push(name);
        logger.error(
          { reason, secret: name, refusedFingerprint: keyFingerprint(value), err: errorText(error) },
          "new secret refused; the old one stays in use",
        );
        continue;
      }
      this.inUse[name] = value;
      outcome.swapped.push(name);
      logger.info(
        {
          reason,
          secret: name,
          oldFingerprint: old ? keyFingerprint(old) : undefined,
          keyFingerprint: keyFingerprint(value),
        },
        "secret swapped; new requests use the new value",
      );
    }
    if (outcome.refused.length === 0) {
      const at = this.options.now();
      this.options.onReloaded?.(at);
      logger.info({ reason, swapped: outcome.swapped }, "secrets reloaded");
    }
    return outcome;
  }
}

/** What tells a file changed: its inode (Kubernetes swaps a symlink to a new file), time and size. */
function stamp(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    return "missing";
  }
}
