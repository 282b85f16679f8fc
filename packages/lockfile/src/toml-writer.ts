/**
 * A small TOML 1.0 emitter for the lock file: values and keys only, layout decided by the caller.
 *
 * We do not use a generic stringifier because PEP 751 asks writers to keep key order, array order and
 * the choice of inline tables stable, so that locking twice gives the same bytes and upgrading one
 * package changes only its own lines. Pitfalls: keys outside `[A-Za-z0-9_-]` must be quoted; strings
 * need escapes for `"`, `\` and control characters (TOML forbids raw control characters except tab);
 * datetimes are bare literals, not strings, and must be RFC 3339 with an offset (we always write UTC
 * `Z`); integers must be safe integers.
 */

/** A TOML offset datetime, written bare (`upload-time = 2024-01-02T03:04:05Z`). */
export class TomlDateTime {
  constructor(readonly text: string) {}
}

export type TomlValue = string | number | boolean | TomlDateTime | TomlValue[] | TomlInline;

/** An inline table: entries in the order they should be written; undefined values are skipped. */
export type TomlInline = { readonly inline: ReadonlyArray<readonly [string, TomlValue | undefined]> };

export function inline(entries: ReadonlyArray<readonly [string, TomlValue | undefined]>): TomlInline {
  return { inline: entries };
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

export function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : tomlString(key);
}

/** Whether a basic string must escape some character of `s` (`"`, `\\`, control characters). */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x7f) return true;
  }
  return false;
}

export function tomlString(s: string): string {
  // Names, versions, URLs and hashes: nothing to escape, the common case by far.
  if (!needsEscape(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function isInline(v: TomlValue): v is TomlInline {
  return typeof v === "object" && !Array.isArray(v) && !(v instanceof TomlDateTime);
}

/** One value on one line. */
export function tomlValue(v: TomlValue): string {
  if (typeof v === "string") return tomlString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new RangeError(`TOML writer: ${v} is not a safe integer`);
    return String(v);
  }
  if (v instanceof TomlDateTime) return v.text;
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  if (isInline(v)) {
    // Index access, not destructuring: a lock writes thousands of these, mostly in cold code.
    let out = "";
    for (const entry of v.inline) {
      const x = entry[1];
      if (x === undefined) continue;
      out += `${out === "" ? "" : ", "}${tomlKey(entry[0])} = ${tomlValue(x)}`;
    }
    return out === "" ? "{}" : `{ ${out} }`;
  }
  throw new TypeError("TOML writer: unsupported value");
}

/**
 * `key = value` lines. Arrays of inline tables are written one element per line (with a trailing
 * comma), so that adding or removing one element is a one-line diff; other arrays stay on one line.
 */
export function tomlEntries(entries: ReadonlyArray<readonly [string, TomlValue | undefined]>): string[] {
  const lines: string[] = [];
  for (const entry of entries) {
    const key = entry[0];
    const value = entry[1];
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length > 0 && value.every((x) => isInline(x))) {
      lines.push(`${tomlKey(key)} = [`);
      for (const item of value) lines.push(`    ${tomlValue(item)},`);
      lines.push("]");
    } else {
      lines.push(`${tomlKey(key)} = ${tomlValue(value)}`);
    }
  }
  return lines;
}

/**
 * Canonical text of an RFC 3339 instant as a TOML datetime in UTC, millisecond precision (what a
 * JavaScript Date holds): `2024-01-02T03:04:05Z`, `2024-01-02T03:04:05.120Z`. Undefined if unparseable.
 */
export function canonicalInstant(input: string | Date): string | undefined {
  const ms = typeof input === "string" ? Date.parse(input) : input.getTime();
  if (!Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
