/**
 * The limits lockstep puts on what an index and an archive may cost (issue 13): `[tool.lockstep]`
 * keys such as `max-archive-size = "8GiB"` or `http-timeout = 30`, and the same keys as environment
 * variables (`LOCKSTEP_MAX_ARCHIVE_SIZE`), which the command line reads and which win over the file.
 *
 * Only the values the user gave are kept here (every field optional): the defaults belong to the
 * packages that enforce them (`@lockstep/wheel`'s `DEFAULT_ARCHIVE_LIMITS`, `@lockstep/index`'s page,
 * metadata and timeout defaults), which sit above this package, and `docs/pyproject.md` lists them.
 *
 * Pitfalls: sizes are integers in bytes or strings with a unit, where `KB`/`MB`/`GB` are powers of
 * 1000 and `KiB`/`MiB`/`GiB` of 1024 (as uv and pip spell them); a size must come out as a whole
 * number of bytes; timeouts are seconds and may be fractional; a limit of 0 is refused (it would
 * refuse everything, which is never what was meant).
 */

export type LimitKind = "size" | "count" | "ratio" | "seconds";

export interface LimitSettings {
  /** Sum of an archive's declared uncompressed sizes (bytes). */
  maxArchiveSize?: number | undefined;
  /** Entries in one archive. */
  maxArchiveEntries?: number | undefined;
  /** Uncompressed : compressed ratio of one archive entry (entries over 16 MiB). */
  maxCompressionRatio?: number | undefined;
  /** One index page, as sent and decompressed (bytes). */
  maxIndexPageSize?: number | undefined;
  /** One core-metadata file (bytes). */
  maxMetadataSize?: number | undefined;
  /** One downloaded wheel or sdist (bytes). */
  maxDownloadSize?: number | undefined;
  /** DNS + TCP + TLS (seconds). */
  httpConnectTimeout?: number | undefined;
  /** Longest silence from a connected server (seconds). */
  httpTimeout?: number | undefined;
}

export interface LimitSpec {
  key: string;
  field: keyof LimitSettings;
  kind: LimitKind;
}

/** Every limit: its `[tool.lockstep]` key, its field, and what kind of value it takes. */
export const LIMIT_SPECS: readonly LimitSpec[] = [
  { key: "max-archive-size", field: "maxArchiveSize", kind: "size" },
  { key: "max-archive-entries", field: "maxArchiveEntries", kind: "count" },
  { key: "max-compression-ratio", field: "maxCompressionRatio", kind: "ratio" },
  { key: "max-index-page-size", field: "maxIndexPageSize", kind: "size" },
  { key: "max-metadata-size", field: "maxMetadataSize", kind: "size" },
  { key: "max-download-size", field: "maxDownloadSize", kind: "size" },
  { key: "http-connect-timeout", field: "httpConnectTimeout", kind: "seconds" },
  { key: "http-timeout", field: "httpTimeout", kind: "seconds" },
];

export const LIMIT_KEYS: readonly string[] = LIMIT_SPECS.map((s) => s.key);

/** `max-archive-size` → `LOCKSTEP_MAX_ARCHIVE_SIZE`. */
export function limitEnvName(key: string): string {
  return `LOCKSTEP_${key.toUpperCase().replaceAll("-", "_")}`;
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

const SIZE_TEXT = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

const EXPECTED: Record<LimitKind, string> = {
  size: 'a positive number of bytes or a size such as "512MiB" or "8GiB"',
  count: "a positive integer",
  ratio: "a number greater than 1",
  seconds: "a positive number of seconds",
};

/** What a value of this kind must look like, for messages. */
export function expectedLimit(kind: LimitKind): string {
  return EXPECTED[kind];
}

/**
 * A limit's value from TOML (a number or a string) or from the environment (always a string), or
 * undefined when it is not one. `fromText` allows numbers written as text (environment variables).
 */
export function parseLimitValue(kind: LimitKind, value: unknown, fromText = false): number | undefined {
  let v: unknown = value;
  if (typeof v === "bigint") v = Number(v);
  if (kind === "size" && typeof v === "string") {
    const m = SIZE_TEXT.exec(v);
    const unit = UNITS[(m?.[2] ?? "").toLowerCase() || "b"];
    if (!m || unit === undefined) return undefined;
    const bytes = Number(m[1]) * unit;
    return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
  }
  if (typeof v === "string" && fromText) {
    if (!/^\s*\d+(?:\.\d+)?\s*$/.test(v)) return undefined;
    v = Number(v);
  }
  if (typeof v !== "number" || !Number.isFinite(v)) return undefined;
  switch (kind) {
    case "size":
    case "count":
      return Number.isSafeInteger(v) && v > 0 ? v : undefined;
    case "ratio":
      return v > 1 ? v : undefined;
    case "seconds":
      return v > 0 ? v : undefined;
  }
}
