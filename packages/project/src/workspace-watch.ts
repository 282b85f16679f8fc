/**
 * Which directories a workspace's member globs read, and a digest of each one's listing: what the
 * no-op `sync` fast path (`sync-state.ts`) compares so that a new member directory (`packages/new/`
 * matching `packages/*`) is noticed without parsing any pyproject.toml or expanding a glob again.
 *
 * `globDirectories` walks each pattern as the glob expansion does: literal segments descend, a
 * segment with a wildcard (`*`, `?`, `[…]`) lists its directory, which is recorded, and descends
 * into every subdirectory; `**` records the whole subtree below it. A new, removed or renamed entry
 * in any recorded directory changes its digest, so the full sync runs (and re-locks when the
 * members changed). Over-approximate on purpose: a stray file beside the members costs one full
 * sync, never a missed member.
 *
 * Pitfalls: only node built-ins (this is on the CLI's start-up path); a directory that cannot be
 * read digests as "" (so one appearing later is noticed too); hidden directories are listed like
 * any other, as the digest is of names only and costs one readdir each.
 */
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const WILDCARD = /[*?[]/;
/** A `**` walk stops here: a member glob over a deep tree should not make every sync slow. */
const MAX_DIRECTORIES = 2000;

/** sha256 of the sorted entry names of `dir`, or "" when it cannot be read. */
export function listingDigest(dir: string): string {
  try {
    return createHash("sha256").update(readdirSync(dir).sort().join("\n")).digest("hex");
  } catch {
    return "";
  }
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** The directories (absolute) whose listings decide what `patterns` match under `root`. */
export function globDirectories(root: string, patterns: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string, segments: readonly string[]): void => {
    if (out.size > MAX_DIRECTORIES) return;
    const [head, ...rest] = segments;
    if (head === undefined) return;
    if (head === "**") {
      out.add(dir);
      walk(dir, rest);
      for (const sub of subdirectories(dir)) walk(join(dir, sub), segments);
      return;
    }
    if (!WILDCARD.test(head)) {
      if (head === "" || head === ".") walk(dir, rest);
      else walk(join(dir, head), rest);
      return;
    }
    out.add(dir);
    for (const sub of subdirectories(dir)) walk(join(dir, sub), rest);
  };
  for (const p of patterns) walk(root, p.split(/[\\/]/));
  return [...out].sort();
}

/** Each directory `patterns` read → its listing digest (what `.lockstep-sync.json` records). */
export function memberListings(root: string, patterns: readonly string[]): Record<string, string> {
  return Object.fromEntries(globDirectories(root, patterns).map((d) => [d, listingDigest(d)]));
}
