/**
 * The `RECORD` file (binary distribution format 1.0; recording installed projects, PEP 376/627): a
 * CSV file with one `path,hash,size` row per file, where hash is `<algorithm>=<urlsafe base64 digest,
 * no padding>` and size is in bytes.
 *
 * Pitfalls: it is real CSV, so a path holding a comma or a quote is quoted (and a quote doubled);
 * `RECORD` itself (and its signatures `RECORD.jws`/`RECORD.p7s`) is listed with empty hash and size,
 * and so may be `.pyc` files an installer compiled; installed paths are relative to the directory
 * holding the `.dist-info` (site-packages) and use `/` with `..` for files outside it (scripts, data);
 * only hashes at least as strong as sha256 may be trusted.
 */
import { createHash } from "node:crypto";
import { LockstepError } from "@lockstep/errors";

export interface RecordEntry {
  path: string;
  /** `sha256=…` or "" (RECORD itself, compiled files). */
  hash: string;
  /** Size in bytes, or undefined when the row leaves it empty. */
  size: number | undefined;
}

export class RecordError extends LockstepError {
  constructor(source: string, line: number, message: string) {
    super("record-invalid", `${source}:${line}: ${message}`);
  }
}

/** Hash algorithms a RECORD may use (hashlib's guaranteed ones that are at least as strong as sha256). */
export const RECORD_HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
  sha3_256: "sha3-256",
  sha3_384: "sha3-384",
  sha3_512: "sha3-512",
  blake2b: "blake2b512",
  blake2s: "blake2s256",
};

/** `sha256=<urlsafe b64, unpadded>` of `data`, as a RECORD row writes it. */
export function recordHash(data: Uint8Array | string, algorithm = "sha256"): string {
  const node = RECORD_HASH_ALGORITHMS[algorithm];
  if (node === undefined)
    throw new LockstepError("record-hash-unsupported", `Unsupported RECORD hash algorithm "${algorithm}"`);
  return `${algorithm}=${createHash(node).update(data).digest("base64url")}`;
}

/** Split `algo=digest`; undefined when the algorithm is not one we may trust. */
export function parseRecordHash(hash: string): { algorithm: string; digest: string } | undefined {
  const eq = hash.indexOf("=");
  if (eq < 0) return undefined;
  const algorithm = hash.slice(0, eq).toLowerCase();
  if (RECORD_HASH_ALGORITHMS[algorithm] === undefined) return undefined;
  return { algorithm, digest: hash.slice(eq + 1) };
}

/** Parse one CSV line into fields (RFC 4180 quoting, as Python's csv module writes it). */
function csvFields(line: string, source: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length)
          throw new RecordError(source, lineNo, `unterminated quoted field in ${JSON.stringify(line)}`);
        const c = line[i]!;
        if (c === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += c;
        i++;
      }
      if (i < line.length && line[i] !== ",") {
        throw new RecordError(
          source,
          lineNo,
          `unexpected text after a quoted field in ${JSON.stringify(line)}`,
        );
      }
    } else {
      const comma = line.indexOf(",", i);
      const end = comma < 0 ? line.length : comma;
      field = line.slice(i, end);
      i = end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/** Parse RECORD text. Blank lines are skipped; a row must have 3 fields (a 4th+ is an error). */
export function parseRecord(text: string, source = "RECORD"): RecordEntry[] {
  const out: RecordEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line === "") continue;
    const fields = csvFields(line, source, n + 1);
    if (fields.length !== 3) {
      throw new RecordError(
        source,
        n + 1,
        `expected 3 fields (path,hash,size), found ${fields.length} in ${JSON.stringify(line)}`,
      );
    }
    const [path, hash, size] = fields as [string, string, string];
    if (path === "") throw new RecordError(source, n + 1, `empty path in ${JSON.stringify(line)}`);
    if (size !== "" && !/^\d+$/.test(size)) {
      throw new RecordError(source, n + 1, `size ${JSON.stringify(size)} is not a number`);
    }
    out.push({ path, hash, size: size === "" ? undefined : Number(size) });
  }
  return out;
}

/**
 * Parse RECORD text that may be damaged (torn by a kill while it was written, or edited by hand):
 * every row that parses is kept, and the line numbers of the others are returned. Used only to
 * remove what a broken install left, never to trust hashes.
 */
export function parseRecordLenient(text: string): { rows: RecordEntry[]; badLines: number[] } {
  const rows: RecordEntry[] = [];
  const badLines: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line === "") continue;
    try {
      rows.push(...parseRecord(line));
    } catch {
      badLines.push(n + 1);
    }
  }
  return { rows, badLines };
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RECORD text, rows sorted by path (as pip writes them, so installs are reproducible), `\n` endings. */
export function formatRecord(entries: readonly RecordEntry[]): string {
  const rows = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let s = "";
  for (const e of rows) s += `${csvField(e.path)},${e.hash},${e.size ?? ""}\n`;
  return s;
}

/** True for the rows that cannot carry a hash of themselves: RECORD and its signatures. */
export function isRecordFile(path: string, distInfo: string): boolean {
  return (
    path === `${distInfo}/RECORD` || path === `${distInfo}/RECORD.jws` || path === `${distInfo}/RECORD.p7s`
  );
}
