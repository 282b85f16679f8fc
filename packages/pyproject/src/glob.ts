/**
 * A small directory glob for workspace `members` and `exclude`: `*` and `?` within one path segment,
 * `**` for any number of segments, everything else literal. Paths are `/`-separated and relative.
 *
 * Pitfalls: wildcards do not match a leading `.` (hidden directories are only reached by naming
 * them), `**` also matches zero segments (`a/**` matches `a`), and expansion returns directories
 * only, sorted, without duplicates (several `**` routes can reach one directory).
 */

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function segmentPattern(segment: string): RegExp {
  let source = "";
  for (const ch of segment) {
    if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else source += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

function segments(pattern: string): string[] {
  return pattern.split("/").filter((s) => s !== "" && s !== ".");
}

function hasWildcard(segment: string): boolean {
  return segment.includes("*") || segment.includes("?");
}

/** Whether a relative `/`-separated path matches the pattern. */
export function matchGlob(pattern: string, path: string): boolean {
  const pat = segments(pattern);
  const parts = segments(path);
  const match = (i: number, j: number): boolean => {
    if (i === pat.length) return j === parts.length;
    const seg = pat[i] as string;
    if (seg === "**") {
      for (let k = j; k <= parts.length; k++) {
        if (k > j && (parts[k - 1] ?? "").startsWith(".")) break;
        if (match(i + 1, k)) return true;
      }
      return false;
    }
    const part = parts[j];
    if (part === undefined) return false;
    if (hasWildcard(seg) && part.startsWith(".") && !seg.startsWith(".")) return false;
    return segmentPattern(seg).test(part) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The directories under `root` matching `pattern`, as sorted relative paths (`""` for the root itself). */
export function expandGlob(root: string, pattern: string): string[] {
  const pat = segments(pattern);
  const found = new Set<string>();
  const walk = (rel: string, i: number): void => {
    if (i === pat.length) {
      found.add(rel);
      return;
    }
    const seg = pat[i] as string;
    const child = (name: string): string => (rel ? `${rel}/${name}` : name);
    if (seg === "**") {
      walk(rel, i + 1);
      for (const name of subdirectories(join(root, rel))) if (!name.startsWith(".")) walk(child(name), i);
    } else if (!hasWildcard(seg)) {
      if (isDirectory(join(root, rel, seg))) walk(child(seg), i + 1);
    } else {
      const re = segmentPattern(seg);
      for (const name of subdirectories(join(root, rel))) {
        if (name.startsWith(".") && !seg.startsWith(".")) continue;
        if (re.test(name)) walk(child(name), i + 1);
      }
    }
  };
  walk("", 0);
  return [...found].sort();
}
