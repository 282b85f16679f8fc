/**
 * Removing an installed distribution by its RECORD (recording installed projects, PEP 376/627).
 *
 * Exactly the files RECORD lists are removed (plus the `__pycache__/<stem>.*.pyc` of each listed
 * `.py`, which installers compile without recording), then the `.dist-info` directory, then every
 * directory left empty on the way up, stopping at site-packages and the scheme roots. A path that
 * resolves outside the venv prefix is never touched; it is reported instead.
 *
 * Order, so that a killed removal is finished by the next sync: the marker `LOCKSTEP_INCOMPLETE` is
 * written into the `.dist-info` first (from then on the distribution reads as incomplete), the files
 * go, then the directories they leave empty, then the `.dist-info`'s own files with RECORD last but
 * for the marker, then the directory. Everything outside the `.dist-info` is gone before RECORD is,
 * so RECORD always lists whatever is left.
 *
 * A RECORD that does not parse (torn by a kill while an older version wrote it in place, or damaged
 * by hand) does not stop the removal: every row that still parses is removed, the rest is reported
 * in `warnings`, and the `.dist-info` goes as usual, so the next install starts clean.
 *
 * Every removal goes through `SafeRoot` (safe-path.ts) on the prefix: a path outside it, or reached
 * through a symlink that leads out of it, is refused and reported, never removed.
 *
 * Pitfalls: RECORD paths are relative to the directory holding the `.dist-info` and may climb out of
 * it with `..` (scripts, data) — legitimately, as long as they stay inside the prefix; a listed file
 * may already be gone (removed by hand, or by a removal that was killed); a directory shared with
 * another distribution (a namespace package) is only removed once it is empty.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { INCOMPLETE_MARKER } from "./install";
import { parseRecordLenient } from "./record";
import { isWithin, PathEscapeError, SafeRoot } from "./safe-path";

export interface UninstallOptions {
  /** The venv root: nothing outside it is removed. */
  prefix: string;
  /** Directories never removed even when empty (scheme roots); site-packages and prefix always. */
  keepDirs?: readonly string[];
  onFileOperation?: () => void;
}

export interface UninstallResult {
  /** Absolute paths of the files removed. */
  removed: string[];
  /** RECORD paths refused because they resolve outside the prefix. */
  refused: string[];
  /** Problems worth telling the user about (a damaged RECORD), each naming the distribution. */
  warnings: string[];
}

function isInside(path: string, dir: string): boolean {
  return path !== dir && isWithin(path, dir);
}

function tryUnlink(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    if (code === "EISDIR" || code === "EPERM") return false;
    throw error;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Remove the distribution whose `.dist-info` is at `distInfo` (absolute). */
export function uninstallDistribution(distInfo: string, opts: UninstallOptions): UninstallResult {
  const tick = opts.onFileOperation ?? (() => {});
  const prefix = resolve(opts.prefix);
  const lib = dirname(distInfo);
  const keep = new Set([lib, prefix, ...(opts.keepDirs ?? []).map((d) => resolve(d))]);
  const result: UninstallResult = { removed: [], refused: [], warnings: [] };
  const root = new SafeRoot(prefix, "the environment");
  if (!existsSync(distInfo)) return result;
  if (!existsSync(join(distInfo, INCOMPLETE_MARKER))) {
    writeFileSync(join(distInfo, INCOMPLETE_MARKER), "");
    tick();
  }
  let text: string | undefined;
  try {
    text = readFileSync(join(distInfo, "RECORD"), "utf8");
  } catch {
    text = undefined; // an install killed before RECORD was written placed no files
  }
  const parents = new Set<string>();
  const pyStems = new Map<string, Set<string>>();
  const parsed = parseRecordLenient(text ?? "");
  if (parsed.badLines.length > 0) {
    const lines = parsed.badLines;
    result.warnings.push(
      `${basename(distInfo)}: RECORD is damaged (line${lines.length === 1 ? "" : "s"} ${lines.slice(0, 5).join(", ")}${lines.length > 5 ? ", …" : ""} unreadable, probably cut short by an interrupted install); removed the ${parsed.rows.length} files it still lists and the .dist-info`,
    );
  }
  for (const row of parsed.rows) {
    let path: string;
    try {
      path = root.contain(resolve(lib, row.path), `${basename(distInfo)}/RECORD`);
    } catch (error) {
      if (!(error instanceof PathEscapeError)) throw error;
      result.refused.push(row.path);
      continue;
    }
    if (path === distInfo || isInside(path, distInfo)) continue;
    if (tryUnlink(path)) {
      result.removed.push(path);
      tick();
    }
    parents.add(dirname(path));
    if (path.endsWith(".py")) {
      const dir = dirname(path);
      const stems = pyStems.get(dir) ?? new Set<string>();
      stems.add(basename(path, ".py"));
      pyStems.set(dir, stems);
    }
  }
  for (const [dir, stems] of pyStems) {
    const cache = join(dir, "__pycache__");
    for (const name of listDir(cache)) {
      const dot = name.indexOf(".");
      if (name.endsWith(".pyc") && dot > 0 && stems.has(name.slice(0, dot)) && tryUnlink(join(cache, name))) {
        result.removed.push(join(cache, name));
        tick();
      }
    }
    parents.add(cache);
  }
  // Deepest first, so a directory emptied by its children's removal goes too.
  const dirs = [...parents].sort((a, b) => b.length - a.length);
  for (const start of dirs) {
    let dir = start;
    while (isInside(dir, prefix) && !keep.has(dir)) {
      try {
        rmdirSync(dir);
        tick();
      } catch (error) {
        // Gone already (a killed removal got this far): its parent may still be empty.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") break; // not empty: stop climbing
      }
      dir = dirname(dir);
    }
  }
  const own = listDir(distInfo).filter((n) => n !== "RECORD" && n !== INCOMPLETE_MARKER);
  for (const name of [...own, "RECORD", INCOMPLETE_MARKER]) {
    const path = join(distInfo, name);
    if (tryUnlink(path)) {
      result.removed.push(path);
      tick();
    } else if (existsSync(path)) {
      // A directory inside the .dist-info (licenses/, sboms/): its files were listed in RECORD.
      removeEmptyTree(path);
    }
  }
  rmdirSync(distInfo);
  tick();
  return result;
}

function removeEmptyTree(dir: string): void {
  for (const name of listDir(dir)) {
    const path = join(dir, name);
    if (!tryUnlink(path)) removeEmptyTree(path);
  }
  rmdirSync(dir);
}
