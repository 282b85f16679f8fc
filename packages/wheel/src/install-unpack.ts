/**
 * Validating a wheel and unpacking it once into the global cache (binary distribution format 1.0),
 * so that every venv can link its files instead of extracting them again.
 *
 * Layout: `<cacheDir>/wheels-v1/<sha256 of the archive>/` holds exactly the archive's files. The
 * directory appears atomically (unpacked into a temporary sibling, then renamed), and only after the
 * whole wheel was checked, so its presence means "valid and complete".
 *
 * Pitfalls: every file except RECORD and its signatures must be listed in RECORD with a hash at least
 * as strong as sha256 and the right size, and every row must name a file that is there; names are
 * untrusted (absolute paths, `..`, backslashes, NUL, unknown `.data` schemes must never reach the
 * file system); a wheel is judged whole: every problem is collected, then one error lists them all
 * and nothing is written. The Unix mode lives in the upper 16 bits of the external attributes; as pip
 * does, only the executable bit is kept and the rest follows the umask.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { LockstepError } from "@lockstep/errors";
import { parseRecord, parseRecordHash, recordHash, isRecordFile } from "./record";
import type { RecordEntry } from "./record";
import { findDistInfo } from "./wheel-archive";
import { LOCAL_HEADER_SIZE, readZipEntries } from "./zip";
import type { ZipEntry } from "./zip";

/** Schemes a wheel's `.data` directory may name. */
export const DATA_SCHEMES = ["purelib", "platlib", "headers", "scripts", "data"] as const;
export type DataScheme = (typeof DATA_SCHEMES)[number];

export class WheelInvalidError extends LockstepError {
  constructor(
    readonly filename: string,
    readonly problems: readonly string[],
  ) {
    super(
      "wheel-invalid",
      `The wheel ${filename} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  ${p}`).join("\n")}`,
      { hint: "nothing from this wheel was installed; the file may be corrupt or badly built" },
    );
  }
}

/** Why a path from an archive or a RECORD must not be used, or undefined when it is safe. */
export function unsafePathReason(path: string): string | undefined {
  if (path.includes("\0")) return "contains a NUL byte";
  if (path.includes("\\")) return "contains a backslash";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "is absolute";
  if (path.split("/").some((s) => s === "..")) return "escapes the target directory (..)";
  return undefined;
}

function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const at = entry.localHeaderOffset;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (at + LOCAL_HEADER_SIZE > bytes.length || dv.getUint32(at, true) !== 0x04034b50) {
    throw new Error("no local file header");
  }
  const start = at + LOCAL_HEADER_SIZE + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new Error("the data is truncated");
  const raw = bytes.subarray(start, end);
  if (entry.method === 0) return raw;
  if (entry.method === 8) return inflateRawSync(raw);
  throw new Error(`compression method ${entry.method} is not supported`);
}

interface CheckedFile {
  name: string;
  data: Uint8Array;
  executable: boolean;
}

/**
 * Check a whole wheel held in memory against its RECORD and return its files; throws
 * WheelInvalidError listing every problem.
 */
export function validateWheel(bytes: Uint8Array, filename: string): CheckedFile[] {
  const problems: string[] = [];
  let entries: ZipEntry[];
  try {
    entries = readZipEntries(bytes).entries;
  } catch (cause) {
    throw new WheelInvalidError(filename, [`not a readable ZIP archive: ${(cause as Error).message}`]);
  }
  const files = entries.filter((e) => !e.name.endsWith("/"));
  let distInfo: string;
  try {
    distInfo = findDistInfo(
      files.map((f) => f.name),
      filename,
    );
  } catch (cause) {
    throw new WheelInvalidError(filename, [(cause as Error).message]);
  }
  const recordName = `${distInfo}/RECORD`;
  const dataDir = `${distInfo.slice(0, -".dist-info".length)}.data/`;
  const recordEntry = files.find((f) => f.name === recordName);
  if (!recordEntry) throw new WheelInvalidError(filename, [`${recordName} is missing`]);
  let rows: RecordEntry[];
  try {
    rows = parseRecord(new TextDecoder().decode(entryData(bytes, recordEntry)), recordName);
  } catch (cause) {
    throw new WheelInvalidError(filename, [(cause as Error).message]);
  }
  const listed = new Map<string, RecordEntry>();
  for (const row of rows) {
    const unsafe = unsafePathReason(row.path);
    if (unsafe) problems.push(`${row.path}: the RECORD row's path ${unsafe}`);
    else if (listed.has(row.path)) problems.push(`${row.path}: listed twice in RECORD`);
    listed.set(row.path, row);
  }
  const seen = new Set<string>();
  const out: CheckedFile[] = [];
  for (const entry of files) {
    const name = entry.name;
    const unsafe = unsafePathReason(name);
    if (unsafe) {
      problems.push(`${name}: the path ${unsafe}`);
      continue;
    }
    if (seen.has(name)) {
      problems.push(`${name}: present twice in the archive`);
      continue;
    }
    seen.add(name);
    if (name.startsWith(dataDir)) {
      const scheme = name.slice(dataDir.length).split("/", 1)[0] ?? "";
      if (
        !(DATA_SCHEMES as readonly string[]).includes(scheme) ||
        name.slice(dataDir.length + scheme.length) === ""
      ) {
        problems.push(
          `${name}: unknown .data scheme ${JSON.stringify(scheme)} (expected one of ${DATA_SCHEMES.join(", ")})`,
        );
        continue;
      }
    }
    let data: Uint8Array;
    try {
      data = entryData(bytes, entry);
    } catch (cause) {
      problems.push(`${name}: cannot be read: ${(cause as Error).message}`);
      continue;
    }
    const executable = ((entry.externalAttributes >>> 16) & 0o111) !== 0;
    if (isRecordFile(name, distInfo)) {
      out.push({ name, data, executable });
      continue;
    }
    const row = listed.get(name);
    if (!row) {
      problems.push(`${name}: not listed in RECORD`);
      continue;
    }
    const hash = parseRecordHash(row.hash);
    if (!hash) {
      problems.push(
        row.hash === ""
          ? `${name}: RECORD gives no hash`
          : `${name}: RECORD's hash ${JSON.stringify(row.hash)} uses an unsupported algorithm`,
      );
      continue;
    }
    const actual = recordHash(data, hash.algorithm);
    if (actual !== `${hash.algorithm}=${hash.digest}`) {
      problems.push(`${name}: RECORD says ${row.hash}, the file has ${actual}`);
      continue;
    }
    if (row.size !== undefined && row.size !== data.length) {
      problems.push(`${name}: RECORD says ${row.size} bytes, the file has ${data.length}`);
      continue;
    }
    out.push({ name, data, executable });
  }
  for (const row of rows) {
    if (!seen.has(row.path) && !isRecordFile(row.path, distInfo) && !unsafePathReason(row.path)) {
      problems.push(`${row.path}: listed in RECORD but not in the archive`);
    }
  }
  if (problems.length > 0) throw new WheelInvalidError(filename, problems);
  return out;
}

/** Where `unpackWheel` puts the wheel whose archive has this sha256. */
export function unpackedWheelDir(cacheDir: string, sha256: string): string {
  return join(cacheDir, "wheels-v1", sha256);
}

let umaskCache: number | undefined;
/** The process umask, read once (Node has no read-only accessor). */
export function currentUmask(): number {
  if (umaskCache === undefined) umaskCache = process.umask();
  return umaskCache;
}

export interface UnpackOptions {
  /** The archive's sha256 when known (the cache's archive path holds it); computed otherwise. */
  sha256?: string | undefined;
  /** The wheel's file name; default: the archive path's base name. */
  filename?: string | undefined;
}

/**
 * Validate the wheel at `archivePath` and unpack it into the cache (once: an existing directory is
 * returned as is). Returns the unpacked directory.
 */
export function unpackWheel(archivePath: string, cacheDir: string, opts: UnpackOptions = {}): string {
  let bytes: Buffer | undefined;
  let sha = opts.sha256;
  if (sha === undefined) {
    bytes = readFileSync(archivePath);
    sha = createHash("sha256").update(bytes).digest("hex");
  }
  const dir = unpackedWheelDir(cacheDir, sha);
  if (existsSync(dir)) return dir;
  bytes ??= readFileSync(archivePath);
  const files = validateWheel(bytes, opts.filename ?? basename(archivePath));
  const tmp = join(dirname(dir), `.tmp-${sha.slice(0, 16)}-${process.pid}-${randomBytes(4).toString("hex")}`);
  const execMode = (0o777 & ~currentUmask()) | 0o111;
  try {
    const made = new Set<string>();
    for (const f of files) {
      const dest = join(tmp, f.name);
      const parent = dirname(dest);
      if (!made.has(parent)) {
        mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      writeFileSync(dest, f.data);
      if (f.executable) chmodSync(dest, execMode);
    }
    mkdirSync(tmp, { recursive: true });
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another process unpacked the same wheel first: its copy is identical.
      if (!existsSync(dir)) throw error;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
