/**
 * Narrowing a parsed TOML value to a table. Pitfall: smol-toml returns dates as `TomlDate`, a `Date`
 * subclass, which is an object but not a table.
 */
export type Table = Record<string, unknown>;

export function isTable(v: unknown): v is Table {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
