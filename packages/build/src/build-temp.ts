/**
 * Temporary directories of builds (the work directory with the unpacked sdist, the isolated build
 * environment, staging directories in the build cache), named after their owner so that the ones a
 * killed build left behind are removed by the next build or by `cache prune`.
 *
 * Names: `lockstep-build-<pid>-<time>-<random>` and `lockstep-build-env-<pid>-<time>-<random>` in
 * the temp directory, `.tmp-<key>-<pid>-<time>-<random>` in the build cache (see
 * `@lockstep/wheel`'s temp-dirs.ts for the rules). Directories from before this scheme
 * (`lockstep-build-XXXXXX` from mkdtemp) carry no pid and are removed only by age.
 *
 * Pitfalls: a build can legitimately run for a long time (a large C++ extension), so build
 * directories of a live process are kept for a day, not the hour an unpack gets; the temp directory
 * is shared with everything else on the machine, so only these exact name shapes are touched.
 */
import { mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeEntriesWhere, sweepStaleTemp, tempName } from "@lockstep/wheel";
import type { SweepOptions } from "@lockstep/wheel";
import { CACHE_BUCKET, DEFAULT_BUILD_TEMP_MAX_AGE_MS } from "./build-cache";

export const BUILD_TEMP_PREFIX = "lockstep-build-";
export const BUILD_ENV_TEMP_PREFIX = "lockstep-build-env-";
export { DEFAULT_BUILD_TEMP_MAX_AGE_MS } from "./build-cache";

/** mkdtemp's names from before pid-stamped names: `lockstep-build-` + 6 characters. */
const LEGACY = /^lockstep-build-(?:env-)?[A-Za-z0-9]{6}$/;

function sweepLegacy(dir: string, maxAgeMs: number, now: number): string[] {
  return removeEntriesWhere(dir, (name, path) => {
    if (!LEGACY.test(name)) return false;
    try {
      return now - statSync(path).mtimeMs > maxAgeMs;
    } catch {
      return false;
    }
  });
}

/**
 * Remove the build directories killed processes left in `tempDir` (default: the OS temp directory)
 * and, when given, the staging directories in the build cache under `cacheDir`. Returns the paths
 * removed. What `cache prune` calls; every build does it once per process.
 */
export function pruneStaleBuildTemp(
  tempDir: string = tmpdir(),
  cacheDir?: string,
  opts: SweepOptions = {},
): string[] {
  const options = { maxAgeMs: DEFAULT_BUILD_TEMP_MAX_AGE_MS, ...opts };
  const removed = [
    // "lockstep-build-" also covers "lockstep-build-env-<pid>-…".
    ...sweepStaleTemp(tempDir, BUILD_TEMP_PREFIX, options),
    ...sweepLegacy(tempDir, options.maxAgeMs, opts.now ?? Date.now()),
  ];
  if (cacheDir !== undefined) removed.push(...sweepStaleTemp(join(cacheDir, CACHE_BUCKET), ".tmp-", options));
  return removed;
}

const swept = new Set<string>();

/** Sweep `parent` once per process (cheap enough for every build, pointless to repeat). */
function sweepOnce(parent: string, cacheDir?: string): void {
  const key = `${parent}\0${cacheDir ?? ""}`;
  if (swept.has(key)) return;
  swept.add(key);
  pruneStaleBuildTemp(parent, cacheDir);
}

/** A fresh pid-stamped directory `<parent>/<prefix><pid>-<time>-<random>`, stale ones swept first. */
export function makeBuildTemp(parent: string, prefix: string): string {
  sweepOnce(parent);
  const dir = join(parent, tempName(prefix));
  mkdirSync(dir, { recursive: true });
  return dir;
}
