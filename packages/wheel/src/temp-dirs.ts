/**
 * Temporary directories that a killed process may leave behind (unpacks in the wheel cache, build
 * work directories), named so that a later run can tell whose they are and remove them safely.
 *
 * A name is `<prefix><pid>-<ms since epoch, base 36>-<8 hex>`: the owner's pid and when it was made.
 * A directory is stale when its owner is no longer running, or when it is older than `maxAgeMs`
 * (a pid may have been reused by an unrelated process, so age alone also decides). Names written
 * before this scheme (`.tmp-<key>-<pid>-<random>`) carry only a pid, which is used alone.
 *
 * Pitfalls: `process.kill(pid, 0)` answers EPERM for a live process of another user — alive, not
 * gone; removal races with another process sweeping the same directory, so a vanished entry is not
 * an error; only names matching the prefix are ever touched.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/** One hour: an unpack or a build directory this old is abandoned whatever its pid says. */
export const DEFAULT_TEMP_MAX_AGE_MS = 60 * 60 * 1000;

/** A fresh temporary name: `<prefix><pid>-<time>-<random>`. */
export function tempName(prefix: string, now = Date.now()): string {
  return `${prefix}${process.pid}-${now.toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** The owner pid and creation time encoded in a temporary name, when it has them. */
export function parseTempName(
  name: string,
  prefix: string,
): { pid: number; createdMs: number | undefined } | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  const withTime = /(?:^|-)(\d+)-([0-9a-z]+)-[0-9a-f]{8}$/.exec(rest);
  if (withTime) return { pid: Number(withTime[1]), createdMs: parseInt(withTime[2]!, 36) };
  const legacy = /(?:^|-)(\d+)-[0-9a-z]+$/.exec(rest);
  if (legacy) return { pid: Number(legacy[1]), createdMs: undefined };
  return undefined;
}

/** True when a process with this pid exists (of any user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface SweepOptions {
  /** Older than this is stale even when the pid is alive. Default `DEFAULT_TEMP_MAX_AGE_MS`. */
  maxAgeMs?: number;
  now?: number;
}

/**
 * Remove the entries directly inside `dir` that `stale(name, path)` picks; returns the paths removed.
 * A `dir` that cannot be read (not there yet) removes nothing.
 */
export function removeEntriesWhere(dir: string, stale: (name: string, path: string) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (!stale(name, path)) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/** Remove the stale `<prefix>…` entries directly inside `dir`; returns the paths removed. */
export function sweepStaleTemp(dir: string, prefix: string, opts: SweepOptions = {}): string[] {
  const maxAge = opts.maxAgeMs ?? DEFAULT_TEMP_MAX_AGE_MS;
  const now = opts.now ?? Date.now();
  return removeEntriesWhere(dir, (name, path) => {
    const owner = parseTempName(name, prefix);
    if (!owner) return false;
    let created = owner.createdMs;
    if (created === undefined) {
      try {
        created = statSync(path).mtimeMs;
      } catch {
        return false;
      }
    }
    const mine = owner.pid === process.pid && now - created <= maxAge;
    if (mine) return false;
    return !(processAlive(owner.pid) && now - created <= maxAge);
  });
}

/** The prefix of unpack directories inside `<cacheDir>/wheels-v1`. */
export const UNPACK_TEMP_PREFIX = ".tmp-";

/**
 * Remove unpack directories left in the wheel cache by killed processes (what `cache prune` calls;
 * every unpack also does it once per process). Returns the paths removed.
 */
export function pruneStaleTemp(cacheDir: string, opts: SweepOptions = {}): string[] {
  return sweepStaleTemp(join(cacheDir, "wheels-v1"), UNPACK_TEMP_PREFIX, opts);
}
