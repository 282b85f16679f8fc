/**
 * Line numbers for validation messages, taken from pyproject's TOML locator (one locator for every
 * TOML file lockstep reads) and asked only once a lock has turned out to be invalid.
 *
 * smol-toml gives values without positions; the locator finds where each key, table, array item and
 * `[[packages]]` block was written. Locating costs a second scan of the text, so `readLock` first
 * validates with `NO_LINES` and, only when there are problems, validates again with `tomlLines` to
 * place them. Pitfalls: PEP 751 files from other tools write wheels either as `[[packages.wheels]]`
 * sub-tables (pip) or as an array of inline tables (uv), and either style may spread arrays over
 * several lines; when nothing better is found, callers fall back to the package's header line.
 */
import { parseTomlDocument } from "@lockstep/pyproject";
import type { KeyPath } from "@lockstep/pyproject";

/** Where things are in a lock file (1-based lines; undefined when not found). */
export interface LineLocator {
  /** Line of a top-level key. */
  top(key: string): number | undefined;
  /** Line of a key of a table other than `packages` (else the table's header line). */
  tableKey(table: string, key: string): number | undefined;
  /** Line of the `i`th package entry. */
  packageLine(i: number): number | undefined;
  /** Line of a key (or sub-table) of the `i`th package, else its header. */
  packageKey(i: number, key: string): number | undefined;
  /** Line of the `j`th wheel of package `i`. */
  wheelLine(i: number, j: number): number | undefined;
  /** First line of package `i`'s entry, at or after `fromKey`'s line, that contains `needle`. */
  find(i: number, needle: string, fromKey?: string): number | undefined;
}

/** Knows no lines: for the first, fast validation of a lock that is most likely valid. */
export const NO_LINES: LineLocator = {
  top: () => undefined,
  tableKey: () => undefined,
  packageLine: () => undefined,
  packageKey: () => undefined,
  wheelLine: () => undefined,
  find: () => undefined,
};

/** A locator over `text` (TOML that smol-toml has already accepted). */
export function tomlLines(text: string, path: string): LineLocator {
  const doc = parseTomlDocument(text, path);
  const lineStarts = [0];
  for (let k = text.indexOf("\n"); k !== -1; k = text.indexOf("\n", k + 1)) lineStarts.push(k + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const lineOf = (path: KeyPath): number | undefined => {
    const loc = doc.locate(path);
    return loc === undefined ? undefined : lineAt(loc.keySpan.start);
  };
  const lines = text.split(/\r?\n/);

  /** The last line (inclusive) of package `i`'s entry: its inline table, or its block of sections. */
  const packageEnd = (i: number): number => {
    const node = doc.locate(["packages", i])?.node;
    if (node !== undefined) return lineAt(node.span.end);
    const start = lineOf(["packages", i]) ?? 1;
    for (const section of doc.sections) {
      if (section.header === undefined) continue;
      const line = lineAt(section.span.start);
      if (line <= start) continue;
      if (section.path[0] !== "packages" || section.path[1] !== i) return line - 1;
    }
    return lines.length;
  };

  const locator: LineLocator = {
    top: (key) => lineOf([key]),
    tableKey: (table, key) => {
      const keys = table.split(".");
      return lineOf([...keys, key]) ?? lineOf(keys);
    },
    packageLine: (i) => lineOf(["packages", i]) ?? lineOf(["packages"]),
    packageKey: (i, key) => lineOf(["packages", i, key]) ?? locator.packageLine(i),
    wheelLine: (i, j) => lineOf(["packages", i, "wheels", j]),
    find: (i, needle, fromKey) => {
      const start =
        (fromKey !== undefined ? lineOf(["packages", i, fromKey]) : undefined) ?? lineOf(["packages", i]);
      if (start === undefined) return locator.packageLine(i);
      const end = packageEnd(i);
      for (let n = start; n <= end; n++) if (lines[n - 1]?.includes(needle)) return n;
      return undefined;
    },
  };
  return locator;
}
