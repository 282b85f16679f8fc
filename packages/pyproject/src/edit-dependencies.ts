/**
 * Format-preserving edits for `add` and `remove`: one requirement into or out of
 * `[project].dependencies` (PEP 621), an extra in `[project.optional-dependencies]`, or a
 * `[dependency-groups]` group (PEP 735).
 *
 * Every edit is a splice at offsets the TOML locator found; nothing else in the file is rewritten.
 * The rules (docs/pyproject.md lists them for users):
 * - add: an item naming the same package (PEP 503 normalized) is replaced in place; otherwise the new
 *   item goes at its sorted position when the existing items are sorted by name, else at the end.
 *   One-per-line arrays get a new line with the indentation of their items, and keep or omit the
 *   trailing comma as they did; inline arrays get `, "item"`. The quote style of existing items is
 *   reused when it can hold the requirement. An empty `[]` becomes a one-per-line array.
 * - A new item goes above the comment lines directly above the item it precedes (they introduce it).
 * - remove: every item naming the package goes. In a one-per-line array its whole line goes, with
 *   its comment on the same line; comment lines above it stay. The comma before a last item that had
 *   none after it is removed too, so the array keeps its trailing-comma style.
 * - Missing arrays and tables are created the way the file already defines their parent (header,
 *   dotted keys or inline table); new tables go after their parent's family of tables, or at the end.
 *
 * Pitfall: names of existing items are read leniently (the leading name of the string), so an item
 * that is not valid PEP 508 can still be kept, sorted around and removed.
 */

import { FileError, lineColumn } from "@lockstep/errors";
import { canonicalizeName, Requirement } from "@lockstep/pep508";
import { parseTomlDocument } from "./toml-cst";
import type {
  KeyPath,
  QuoteStyle,
  TomlArrayNode,
  TomlDocument,
  TomlEntry,
  TomlSection,
  TomlValueNode,
} from "./toml-cst";
import {
  attachedStart,
  formatKey,
  indentationAt,
  lineEnd,
  lineStart,
  nextLineStart,
  quoteString,
  sameLine,
  splice,
} from "./text-layout";

export type DependencyTarget =
  { kind: "project" } | { kind: "extra"; name: string } | { kind: "group"; name: string };

export interface DependencyEdit {
  action: "add" | "remove";
  /** For `add`, the requirement as it should be written; for `remove`, a package name (or a requirement naming it). */
  requirement: string;
  target: DependencyTarget;
}

interface Splice {
  start: number;
  end: number;
  insert: string;
}

/** Apply one `add` or `remove` to the text of a pyproject.toml and return the new text. */
export function editDependencies(text: string, path: string, edit: DependencyEdit): string {
  const name = requirementName(edit.requirement);
  if (name === undefined) {
    throw new FileError(
      "edit-invalid-requirement",
      path,
      {},
      `cannot ${edit.action} ${JSON.stringify(edit.requirement)}: it does not start with a package name`,
    );
  }
  if (edit.action === "add") {
    // What goes into the file must be a requirement every tool can read; the parser's error
    // (a ParseError with the bad span underlined) is what the user needs to see.
    Requirement.parse(edit.requirement);
    return addRequirement(text, path, edit.requirement, name, edit.target);
  }
  let current = text;
  let removed = 0;
  for (;;) {
    const doc = parseTomlDocument(current, path);
    const array = findTargetArray(doc, edit.target);
    const index = array?.node.items.findIndex((item) => itemName(item) === name) ?? -1;
    if (!array || index === -1) {
      if (removed > 0) return current;
      const where = array ? array.location : undefined;
      throw new FileError(
        "edit-not-found",
        path,
        where ?? {},
        `${JSON.stringify(edit.requirement)} is not a dependency in ${describeTarget(edit.target)}`,
      );
    }
    current = splice(current, removeItem(current, array.node, index));
    removed++;
  }
}

export function describeTarget(target: DependencyTarget): string {
  switch (target.kind) {
    case "project":
      return "[project].dependencies";
    case "extra":
      return `the extra ${JSON.stringify(target.name)} of [project.optional-dependencies]`;
    case "group":
      return `the group ${JSON.stringify(target.name)} of [dependency-groups]`;
  }
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;

function requirementName(requirement: string): string | undefined {
  const match = NAME.exec(requirement);
  return match?.[1] === undefined ? undefined : canonicalizeName(match[1]);
}

function itemName(item: TomlValueNode): string | undefined {
  return item.kind === "string" ? requirementName(item.value) : undefined;
}

/** The key path of the target array, using the spelling the file already has for the extra or group. */
function targetPath(doc: TomlDocument, target: DependencyTarget): string[] {
  if (target.kind === "project") return ["project", "dependencies"];
  const parent = target.kind === "extra" ? ["project", "optional-dependencies"] : ["dependency-groups"];
  let table: unknown = doc.value;
  for (const key of parent) table = isRecord(table) ? table[key] : undefined;
  const wanted = canonicalizeName(target.name);
  const existing = isRecord(table)
    ? Object.keys(table).find((key) => canonicalizeName(key) === wanted)
    : undefined;
  return [...parent, existing ?? target.name];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function findTargetArray(
  doc: TomlDocument,
  target: DependencyTarget,
): { node: TomlArrayNode; location: { line: number; column: number } } | undefined {
  const path = targetPath(doc, target);
  const loc = doc.locate(path);
  if (!loc) return undefined;
  if (loc.node?.kind !== "array") {
    throw new FileError(
      "edit-not-an-array",
      doc.path,
      lineColumn(doc.text, loc.keySpan.start),
      `expected ${path.map(formatKey).join(".")} to be an array of requirement strings`,
    );
  }
  return { node: loc.node, location: lineColumn(doc.text, loc.node.span.start) };
}

function addRequirement(
  text: string,
  path: string,
  requirement: string,
  name: string,
  target: DependencyTarget,
): string {
  const doc = parseTomlDocument(text, path);
  if (target.kind !== "group" && doc.value.project === undefined) {
    throw new FileError(
      "edit-no-project",
      path,
      {},
      `cannot add ${JSON.stringify(requirement)} to ${describeTarget(target)}: this file has no [project] table`,
      {
        hint: "a virtual project (such as a workspace root) can only have dependency groups; add it to a group",
      },
    );
  }
  const existing = findTargetArray(doc, target);
  const quote = preferredQuote(doc);
  if (existing) return splice(text, addItem(doc, existing.node, requirement, name, quote));
  return splice(text, createArray(doc, targetPath(doc, target), requirement, quote));
}

/** The quote style most string items in dependency arrays use (`"` when there are none). */
function preferredQuote(doc: TomlDocument): QuoteStyle {
  let single = 0;
  let double = 0;
  for (const section of doc.sections) {
    for (const entry of section.entries) {
      const arrays = entry.value.kind === "array" ? [entry.value] : [];
      for (const array of arrays) {
        for (const item of array.items) {
          if (item.kind === "string" && item.quote === "'") single++;
          if (item.kind === "string" && item.quote === '"') double++;
        }
      }
    }
  }
  return single > double ? "'" : '"';
}

/** The indentation unit of the file's one-per-line arrays (four spaces when it has none). */
function indentUnit(doc: TomlDocument): string {
  for (const section of doc.sections) {
    for (const entry of section.entries) {
      const first = entry.value.kind === "array" ? entry.value.items[0] : undefined;
      if (
        first &&
        entry.value.kind === "array" &&
        !sameLine(doc.text, entry.value.span.start, first.span.start)
      ) {
        const item = indentationAt(doc.text, first.span.start);
        const owner = indentationAt(doc.text, entry.span.start);
        if (item.startsWith(owner) && item.length > owner.length) return item.slice(owner.length);
      }
    }
  }
  return "    ";
}

function isOnePerLine(text: string, array: TomlArrayNode): boolean {
  let previousEnd = array.span.start;
  for (const item of array.items) {
    if (sameLine(text, previousEnd, item.span.start)) return false;
    previousEnd = item.span.end;
  }
  return array.items.length > 0;
}

/** Offset just after the item and a comma following it on the same line, if any. */
function afterComma(text: string, end: number): { end: number; comma: boolean } {
  let i = end;
  while (text[i] === " " || text[i] === "\t") i++;
  return text[i] === "," ? { end: i + 1, comma: true } : { end, comma: false };
}

function addItem(
  doc: TomlDocument,
  array: TomlArrayNode,
  requirement: string,
  name: string,
  preferred: QuoteStyle,
): Splice[] {
  const { text, eol } = doc;
  const items = array.items;
  const strings = items.filter((item) => item.kind === "string");
  const quote =
    strings[0]?.kind === "string" && strings[0].quote === "'" ? "'" : strings[0] ? '"' : preferred;
  const same = items.find((item) => itemName(item) === name);
  if (same) {
    const style = same.kind === "string" && same.quote === "'" ? "'" : '"';
    return [{ start: same.span.start, end: same.span.end, insert: quoteString(requirement, style) }];
  }
  const literal = quoteString(requirement, quote);

  if (items.length === 0) {
    const inner = text.slice(array.span.start + 1, array.span.end - 1);
    const owner = indentationAt(text, array.span.start);
    if (/^\s*$/.test(inner)) {
      const body = `[${eol}${owner}${indentUnit(doc)}${literal},${eol}${owner}]`;
      return [{ start: array.span.start, end: array.span.end, insert: body }];
    }
    // Only comments inside: add the item on its own line above the closing bracket.
    const close = array.span.end - 1;
    const at = sameLine(text, array.span.start, close) ? close : lineStart(text, close);
    return [{ start: at, end: at, insert: `${owner}${indentUnit(doc)}${literal},${eol}` }];
  }

  const names = strings.map((item) => itemName(item) ?? "");
  const sorted = names.every((n, i) => i === 0 || (names[i - 1] ?? "") <= n);
  const before = sorted
    ? items.find((item) => item.kind === "string" && (itemName(item) ?? "") > name)
    : undefined;
  const last = items[items.length - 1] as TomlValueNode;

  if (isOnePerLine(text, array)) {
    if (before) {
      const at = attachedStart(text, lineStart(text, before.span.start));
      const indent = indentationAt(text, before.span.start);
      return [{ start: at, end: at, insert: `${indent}${literal},${eol}` }];
    }
    const indent = indentationAt(text, last.span.start);
    const { end, comma } = afterComma(text, last.span.end);
    const close = array.span.end - 1;
    if (sameLine(text, last.span.end, close)) {
      // `"b"]` or `"b",]`: keep the closing bracket where it is.
      return [{ start: end, end, insert: `${comma ? "" : ","}${eol}${indent}${literal}${comma ? "," : ""}` }];
    }
    const at = lineEnd(text, end);
    return comma
      ? [{ start: at, end: at, insert: `${eol}${indent}${literal},` }]
      : [
          { start: last.span.end, end: last.span.end, insert: "," },
          { start: at, end: at, insert: `${eol}${indent}${literal}` },
        ];
  }

  const second = items[1];
  const gap = second ? text.slice(items[0]?.span.end, second.span.start) : ", ";
  const separator = /^[ \t]*,[ \t]*$/.test(gap) ? gap.trimStart() : ", ";
  if (before) return [{ start: before.span.start, end: before.span.start, insert: `${literal}${separator}` }];
  return [{ start: last.span.end, end: last.span.end, insert: `${separator.replace(/^ +/, "")}${literal}` }];
}

function removeItem(text: string, array: TomlArrayNode, index: number): Splice[] {
  const items = array.items;
  const item = items[index] as TomlValueNode;
  const previous = items[index - 1];
  const next = items[index + 1];
  const close = array.span.end - 1;
  const { end: afterItem, comma } = afterComma(text, item.span.end);

  if (items.length === 1) {
    const inner = text.slice(array.span.start + 1, close);
    const rest =
      inner.slice(0, item.span.start - array.span.start - 1) + inner.slice(afterItem - array.span.start - 1);
    if (!rest.includes("#")) return [{ start: array.span.start, end: array.span.end, insert: "[]" }];
  }

  const sharesLine = (other: TomlValueNode | undefined): boolean =>
    other !== undefined &&
    sameLine(text, other.span.start, item.span.end) &&
    sameLine(text, item.span.start, other.span.end);
  // Inline, or items sharing lines: take the item and one separator with it, on its own line.
  if (sharesLine(next))
    return [{ start: item.span.start, end: (next as TomlValueNode).span.start, insert: "" }];
  if (sharesLine(previous))
    return [{ start: (previous as TomlValueNode).span.end, end: item.span.end, insert: "" }];
  if (sameLine(text, array.span.start, item.span.start) || sameLine(text, item.span.end, close)) {
    // `[ "a",\n "b" ]` style brackets: the item shares its line with a bracket.
    if (next) return [{ start: item.span.start, end: next.span.start, insert: "" }];
    if (previous) return [{ start: previous.span.end, end: item.span.end, insert: "" }];
    return [{ start: item.span.start, end: afterItem, insert: "" }];
  }
  // The item has its line to itself: the line goes, with a comment on it.
  const edits: Splice[] = [
    { start: lineStart(text, item.span.start), end: nextLineStart(text, afterItem), insert: "" },
  ];
  if (!next && !comma && previous) {
    const prev = afterComma(text, previous.span.end);
    if (prev.comma) edits.push({ start: prev.end - 1, end: prev.end, insert: "" });
  }
  return edits;
}

/** Create the missing target array (and any missing tables), defined the way the file defines its parent. */
function createArray(doc: TomlDocument, path: string[], requirement: string, quote: QuoteStyle): Splice[] {
  const { text, eol } = doc;
  const literal = quoteString(requirement, quote);
  const unit = indentUnit(doc);
  const multiline = (owner: string): string => `[${eol}${owner}${unit}${literal},${eol}${owner}]`;
  // A new extra or group next to inline arrays is written inline too.
  const arrayLike = (owner: string, sibling: TomlEntry | undefined): string => {
    const value = sibling?.value;
    const inline =
      value?.kind === "array" &&
      value.items.length > 0 &&
      sameLine(text, value.span.start, value.span.end - 1);
    return inline ? `[${literal}]` : multiline(owner);
  };

  for (let k = path.length - 1; k >= 1; k--) {
    const prefix = path.slice(0, k);
    const rest = path.slice(k);
    const loc = doc.locate(prefix);
    if (!loc) continue;
    const def = loc.definition;
    if (def.kind === "header" && rest.length === 1) {
      return [entryAfter(doc, def.section, rest, (owner, sibling) => arrayLike(owner, sibling))];
    }
    if (def.kind === "header" || def.kind === "implicit-header") {
      const tablePath = [...prefix, ...rest.slice(0, -1)];
      const table = `[${tablePath.map(formatKey).join(".")}]${eol}${formatKey(rest[rest.length - 1] ?? "")} = ${multiline("")}${eol}`;
      if (def.kind === "implicit-header") {
        const at = attachedStart(text, def.section.span.start);
        return [{ start: at, end: at, insert: `${table}${eol}` }];
      }
      return [tableAfterFamily(doc, prefix, table)];
    }
    if (def.kind === "dotted") {
      const keys = [...def.entry.keys.slice(0, def.depth + 1), ...rest];
      const siblings = def.section.entries.filter((e) =>
        def.entry.keys.slice(0, def.depth + 1).every((key, i) => e.keys[i] === key),
      );
      const after = siblings[siblings.length - 1] ?? def.entry;
      const at = lineEnd(text, afterComment(text, after.span.end));
      const owner = indentationAt(text, after.span.start);
      return [
        {
          start: at,
          end: at,
          insert: `${eol}${owner}${keys.map(formatKey).join(".")} = ${arrayLike(owner, after)}`,
        },
      ];
    }
    const table = def.kind === "value" && loc.node?.kind === "inline-table" ? loc.node : undefined;
    if (table) {
      const entry = `${rest.map(formatKey).join(".")} = [${literal}]`;
      const lastEntry = table.entries[table.entries.length - 1];
      if (!lastEntry) return [{ start: table.span.start, end: table.span.end, insert: `{ ${entry} }` }];
      return [{ start: lastEntry.span.end, end: lastEntry.span.end, insert: `, ${entry}` }];
    }
    throw new FileError(
      "edit-not-a-table",
      doc.path,
      lineColumn(text, loc.keySpan.start),
      `expected ${prefix.map(formatKey).join(".")} to be a table`,
    );
  }
  // Nothing of the path exists: a new table at the end of the file.
  const table = `[${path.slice(0, -1).map(formatKey).join(".")}]${eol}${formatKey(path[path.length - 1] ?? "")} = ${multiline("")}`;
  const trimmed = text.length === 0;
  const endsWithNewline = text.endsWith("\n");
  const endsWithBlank = /\n[ \t]*\r?\n$/.test(text) || trimmed;
  const lead = trimmed ? "" : `${endsWithNewline ? "" : eol}${endsWithBlank ? "" : eol}`;
  return [
    {
      start: text.length,
      end: text.length,
      insert: `${lead}${table}${endsWithNewline || trimmed ? eol : ""}`,
    },
  ];
}

/** Skip a comment that follows `offset` on its line, so insertions go after it. */
function afterComment(text: string, offset: number): number {
  return lineEnd(text, offset);
}

function entryAfter(
  doc: TomlDocument,
  section: TomlSection,
  keys: string[],
  array: (owner: string, sibling: TomlEntry | undefined) => string,
): Splice {
  const { text, eol } = doc;
  const last = section.entries[section.entries.length - 1];
  const anchor = last ? last.span.end : (section.header?.span.end ?? 0);
  const owner = last ? indentationAt(text, last.span.start) : "";
  const at = lineEnd(text, anchor);
  return {
    start: at,
    end: at,
    insert: `${eol}${owner}${keys.map(formatKey).join(".")} = ${array(owner, last)}`,
  };
}

/** Insert a new table after `prefix`'s own section and the sub-tables that directly follow it. */
function tableAfterFamily(doc: TomlDocument, prefix: KeyPath, table: string): Splice {
  const { text, eol, sections } = doc;
  const within = (s: TomlSection): boolean => prefix.every((key, i) => s.path[i] === key);
  let i = sections.findIndex((s) => s.header !== undefined && within(s));
  while (i + 1 < sections.length && within(sections[i + 1] as TomlSection)) i++;
  const next = sections[i + 1];
  if (next) {
    const at = attachedStart(text, next.span.start);
    return { start: at, end: at, insert: `${table}${eol}` };
  }
  const endsWithNewline = text.endsWith("\n");
  const endsWithBlank = /\n[ \t]*\r?\n$/.test(text);
  const lead = `${endsWithNewline ? "" : eol}${endsWithBlank ? "" : eol}`;
  return {
    start: text.length,
    end: text.length,
    insert: `${lead}${endsWithNewline ? table : table.slice(0, -eol.length)}`,
  };
}
