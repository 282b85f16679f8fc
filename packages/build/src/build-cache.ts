/**
 * The built-wheel cache: `<cacheDir>/built-wheels-v1/<key>/` holds one built wheel (or, for a
 * metadata-only build, one `METADATA` file), where the key covers everything the result depends on:
 * the source fingerprint, what was asked for (wheel, editable, metadata), the interpreter, and the
 * config settings.
 *
 * Pitfalls: entries are written to a temporary sibling and renamed into place, so a reader never
 * sees half an entry and two concurrent builds of one source both succeed (the second rename loses
 * and its copy is dropped); an editable wheel points at its source directory, so that path is part
 * of its key; the interpreter is keyed by what it *is* (real path, version, platform, ABI), not by
 * the path we were given. Staging directories carry their owner pid and creation time, so those a
 * killed build left are swept by the next one (see build-temp.ts).
 */

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { InterpreterInfo } from "@lockstep/python";
import { sweepStaleTemp, tempName } from "@lockstep/wheel";

export const CACHE_BUCKET = "built-wheels-v1";

export type BuildKind = "wheel" | "editable" | "metadata";

export type ConfigSettings = Record<string, string | string[]>;

export interface CacheKeyInput {
  kind: BuildKind;
  sourceHash: string;
  /** Included for editables (their wheel names the source directory). */
  sourceDir?: string | undefined;
  interpreter: InterpreterInfo;
  configSettings?: ConfigSettings | undefined;
}

/** Sorted keys, so `{a, b}` and `{b, a}` hash alike. */
function canonicalSettings(settings: ConfigSettings | undefined): [string, string | string[]][] {
  return Object.entries(settings ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function cacheKey(input: CacheKeyInput): string {
  const i = input.interpreter;
  const identity = {
    kind: input.kind,
    source: input.sourceHash,
    dir: input.kind === "editable" ? input.sourceDir : undefined,
    python: [
      i.executable,
      i.version.join("."),
      i.platform,
      i.soabi,
      i.abiflags,
      i.markers.implementation_name,
    ],
    settings: canonicalSettings(input.configSettings),
  };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
}

export function entryDir(cacheDir: string, key: string): string {
  return join(cacheDir, CACHE_BUCKET, key);
}

/** The file in a complete entry: the `.whl` (wheel kinds) or `METADATA`. */
export function lookup(cacheDir: string, key: string, kind: BuildKind): string | undefined {
  const dir = entryDir(cacheDir, key);
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir);
  const name =
    kind === "metadata" ? names.find((n) => n === "METADATA") : names.find((n) => n.endsWith(".whl"));
  return name === undefined ? undefined : join(dir, name);
}

/** Build directories older than this are abandoned even when their pid is alive (builds can be long). */
export const DEFAULT_BUILD_TEMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const swept = new Set<string>();

/**
 * A fresh temporary directory beside the entries, to build into and then `commit`. Named after its
 * owner pid and creation time; the stale ones killed builds left are removed first (once per process).
 */
export function stagingDir(cacheDir: string, key: string): string {
  const bucket = join(cacheDir, CACHE_BUCKET);
  if (!swept.has(bucket)) {
    swept.add(bucket);
    sweepStaleTemp(bucket, ".tmp-", { maxAgeMs: DEFAULT_BUILD_TEMP_MAX_AGE_MS });
  }
  const dir = join(bucket, tempName(`.tmp-${key}-`));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Move `staging` into place as the entry for `key`; returns the entry directory. */
export function commit(cacheDir: string, key: string, staging: string): string {
  const dir = entryDir(cacheDir, key);
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another build of the same source finished first: keep its entry.
    if (!existsSync(dir)) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}
