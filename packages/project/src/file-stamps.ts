/**
 * File stamps: a file's device, inode, size, mtime and ctime (nanoseconds) standing in for the
 * sha256 of its bytes, so the no-op checks (sync-state.ts, lock-state.ts) can tell that a file is
 * unchanged with one stat instead of reading and hashing it (hashing loads `node:crypto` and the
 * stream modules it needs: the largest cost of a no-op `sync` after Node's own start).
 *
 * Soundness (the "racy git" problem): any change to a file's bytes sets its ctime to the file
 * system's current time (ctime cannot be set back from user space; a file replaced by rename has
 * another inode). The stamps are taken after a probe file (the state's own temporary file, in the
 * directory of the state that will hold them) was written, and only for files on the probe's device
 * that were last changed (mtime and ctime) SETTLED_NS or more before the probe's ctime: a change
 * after the stamp was taken gets a ctime no earlier than the probe's, so another stamp, whatever the
 * clock's granularity (FAT's two seconds included), and whatever the skew between this machine's
 * clock and a file server's (only the file system's own times are compared). SETTLED_NS is a margin
 * for file systems that order timestamps across files only to within a clock tick. Each stamped
 * file is hashed after its stamp was taken and stamped only if it hashes as recorded: a change
 * between the two gives another stamp. What is not covered (as with git's index): a file system
 * whose ctime does not change on writes, its clock set back, or an NFS client's attribute cache
 * hiding another client's change for a few seconds (a stat may be answered from it; an open not).
 */
import { statSync } from "node:fs";

/** How long before the probe a file must have been last changed for its stamp to count (50 ms). */
export const SETTLED_NS = 50_000_000n;

/** The stamp of `path` now, or undefined when it cannot be read. */
export function fileStamp(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return undefined;
  }
}

/**
 * Stamps of the `files` (path → recorded sha256) that were settled when `probe` (a file written
 * just now, in the directory of the state that will hold the stamps) was written, and that hash as
 * recorded; files that do not qualify are left out (and are hashed by the checks, as before).
 */
export function settledStamps(
  files: Iterable<[path: string, sha256: string]>,
  probe: string,
  hash: (path: string) => string,
  settledNs: bigint = SETTLED_NS,
): Record<string, string> {
  const stamps: Record<string, string> = {};
  let now;
  try {
    now = statSync(probe, { bigint: true });
  } catch {
    return stamps;
  }
  for (const [path, sha] of files) {
    try {
      const st = statSync(path, { bigint: true });
      if (st.dev !== now.dev) continue;
      const changed = st.ctimeNs > st.mtimeNs ? st.ctimeNs : st.mtimeNs;
      if (now.ctimeNs - changed < settledNs || changed >= now.ctimeNs) continue;
      if (hash(path) !== sha) continue;
      stamps[path] = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch {
      // unreadable: not stamped
    }
  }
  return stamps;
}

/** Whether `path` still has the recorded `stamp` (so its bytes still hash as recorded). */
export function sameStamp(path: string, stamp: string | undefined): boolean {
  return stamp !== undefined && fileStamp(path) === stamp;
}
