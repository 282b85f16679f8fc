/**
 * Validating a wheel and unpacking it once into the global cache (binary distribution format 1.0),
 * so that every venv can link its files instead of extracting them again.
 *
 * Layout: `<cacheDir>/wheels-v1/<sha256 of the archive>/` holds exactly the archive's files. The
 * directory appears atomically (unpacked into a temporary sibling, then renamed), and only after the
 * whole wheel was checked, so its presence means "valid and complete".
 *
 * METADATA's Name and Version must match the file name (canonical name, PEP 440 equal version),
 * like the `.dist-info` directory's name must.
 *
 * Pitfalls: every file except RECORD and its signatures must be listed in RECORD with a hash at least
 * as strong as sha256 and the right size, and every row must name a file that is there; names are
 * untrusted (absolute paths, `..`, backslashes, NUL, unknown `.data` schemes, unsafe script names
 * must never reach the file system: every write goes through `SafeRoot`); a wheel is judged whole:
 * every problem is collected, then one error lists them all and nothing is kept. The Unix mode lives
 * in the upper 16 bits of the external attributes; as pip does, only the executable bit is kept and
 * the rest follows the umask.
 *
 * Streaming: the archive is never read into memory. Its central directory is judged against the
 * archive limits first (`zip-stream.ts`), then each file is inflated straight into the temporary
 * directory with its RECORD hash computed on the way, so memory stays bounded whatever the wheel's
 * size. The temporary directory is named after its owner pid and creation time, and stale ones
 * (their process was killed) are removed by the next unpack (`temp-dirs.ts`).
 */
import { closeSync, existsSync, fchmodSync, openSync, readSync, renameSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { Version } from "@lockstep/pep440";
import { canonicalizeName } from "@lockstep/pep508";
import { isRecordFile, parseRecord, parseRecordHash, RECORD_HASH_ALGORITHMS } from "./record";
import type { RecordEntry } from "./record";
import { SafeRoot, unsafePathReason } from "./safe-path";
import { scriptEntryPoints } from "./scripts";
import { pruneStaleTemp, tempName, UNPACK_TEMP_PREFIX } from "./temp-dirs";
import { findDistInfo } from "./wheel-archive";
import { WheelFilename } from "./wheel-filename";
import { ZipError } from "./zip";
import type { ZipEntry } from "./zip";
import { ZipFile } from "./zip-stream";
import type { ArchiveLimits } from "./zip-stream";

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

interface PlannedFile {
  entry: ZipEntry;
  name: string;
  /** undefined for RECORD and its signatures. */
  row: RecordEntry | undefined;
  /** Node's name of the RECORD row's hash algorithm. */
  algorithm: string | undefined;
  executable: boolean;
}

/** Why METADATA's Name and Version disagree with the wheel's file name, or undefined when they agree. */
function metadataMismatch(text: string, filename: string): string | undefined {
  const head = text.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const name = /^Name:[ \t]*(.*?)[ \t]*$/m.exec(head)?.[1];
  const version = /^Version:[ \t]*(.*?)[ \t]*$/m.exec(head)?.[1];
  const wheel = WheelFilename.parse(filename);
  if (name === undefined || version === undefined) return "has no Name or no Version field";
  const parsed = Version.tryParse(version);
  if (canonicalizeName(name) !== wheel.name || !parsed || !parsed.equals(wheel.version)) {
    return `says ${name} ${version}, the file name says ${wheel.name} ${wheel.version.toString()}`;
  }
  return undefined;
}

/**
 * Everything that can be judged from the central directory, RECORD and entry_points.txt, before any
 * file is inflated: the files to extract, and the problems found.
 */
function planWheel(zip: ZipFile, filename: string): { files: PlannedFile[]; problems: string[] } {
  const problems: string[] = [];
  const files = zip.entries.filter((e) => !e.name.endsWith("/"));
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
  const small = (name: string): string | undefined => {
    const entry = files.find((f) => f.name === name);
    if (!entry) return undefined;
    try {
      return new TextDecoder().decode(zip.readSmall(entry));
    } catch (cause) {
      if (cause instanceof ZipError)
        throw new WheelInvalidError(filename, [`${name}: cannot be read: ${cause.message}`]);
      throw cause;
    }
  };
  const recordText = small(recordName);
  if (recordText === undefined) throw new WheelInvalidError(filename, [`${recordName} is missing`]);
  let rows: RecordEntry[];
  try {
    rows = parseRecord(recordText, recordName);
  } catch (cause) {
    throw new WheelInvalidError(filename, [(cause as Error).message]);
  }
  const metadata = small(`${distInfo}/METADATA`);
  if (metadata === undefined) problems.push(`${distInfo}/METADATA is missing`);
  else {
    const mismatch = metadataMismatch(metadata, filename);
    if (mismatch) problems.push(`${distInfo}/METADATA: ${mismatch}`);
  }
  const entryPoints = small(`${distInfo}/entry_points.txt`);
  if (entryPoints !== undefined) {
    try {
      scriptEntryPoints(entryPoints, `${distInfo}/entry_points.txt`);
    } catch (cause) {
      problems.push((cause as Error).message);
    }
  }
  const listed = new Map<string, RecordEntry>();
  for (const row of rows) {
    const unsafe = unsafePathReason(row.path);
    if (unsafe) problems.push(`${row.path}: the RECORD row's path ${unsafe}`);
    else if (listed.has(row.path)) problems.push(`${row.path}: listed twice in RECORD`);
    listed.set(row.path, row);
  }
  const seen = new Set<string>();
  const out: PlannedFile[] = [];
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
    const executable = ((entry.externalAttributes >>> 16) & 0o111) !== 0;
    if (isRecordFile(name, distInfo)) {
      out.push({ entry, name, row: undefined, algorithm: undefined, executable });
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
    out.push({ entry, name, row, algorithm: RECORD_HASH_ALGORITHMS[hash.algorithm], executable });
  }
  for (const row of rows) {
    if (!seen.has(row.path) && !isRecordFile(row.path, distInfo) && !unsafePathReason(row.path)) {
      problems.push(`${row.path}: listed in RECORD but not in the archive`);
    }
  }
  return { files: out, problems };
}

/**
 * Where `unpackWheel` puts the wheel whose archive has this sha256. The digest comes from a lock or
 * an index and becomes a directory name, so anything but 64 hex digits is refused.
 */
export function unpackedWheelDir(cacheDir: string, sha256: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(sha256)) {
    throw new LockstepError("wheel-sha256-invalid", `Not a sha256 digest: ${JSON.stringify(sha256)}`, {
      hint: "a sha256 is 64 hexadecimal digits; the lock or the index gave something else",
    });
  }
  return join(cacheDir, "wheels-v1", sha256.toLowerCase());
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
  /** Archive limits; each one left out takes its `DEFAULT_ARCHIVE_LIMITS` value. */
  limits?: Partial<ArchiveLimits> | undefined;
}

/** The sha256 (hex) of a file, read in pieces. */
export function sha256File(path: string): string {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

const swept = new Set<string>();

/** Large entries unpacked at once (each holds at most a few 1 MiB chunks). */
const LARGE_LANES = 4;
/**
 * Entries up to this size are unpacked synchronously on this thread, larger ones on the thread
 * pool: a wheel's many small files cost more in round trips than in work, while its few large
 * ones (torch's libtorch_cpu.so: 414 MB) inflate and write in the background, overlapping the
 * small ones and this thread's hashing.
 */
const INLINE = 64 * 1024;

/**
 * Validate the wheel at `archivePath` and unpack it into the cache (once: an existing directory is
 * returned as is). Returns the unpacked directory. Throws WheelInvalidError (every problem listed),
 * ArchiveLimitError or ArchiveEntryError; in every case nothing is left in the cache.
 */
export async function unpackWheel(
  archivePath: string,
  cacheDir: string,
  opts: UnpackOptions = {},
): Promise<string> {
  const dir = unpackedWheelDir(cacheDir, opts.sha256 ?? sha256File(archivePath));
  const sha = basename(dir);
  if (existsSync(dir)) return dir;
  if (!swept.has(cacheDir)) {
    swept.add(cacheDir);
    pruneStaleTemp(cacheDir);
  }
  const filename = opts.filename ?? basename(archivePath);
  let zip: ZipFile;
  try {
    zip = ZipFile.open(archivePath, { label: filename, limits: opts.limits ?? {} });
  } catch (cause) {
    if (cause instanceof ZipError) {
      throw new WheelInvalidError(filename, [`not a readable ZIP archive: ${cause.message}`]);
    }
    throw cause;
  }
  const tmp = join(dirname(dir), tempName(`${UNPACK_TEMP_PREFIX}${sha.slice(0, 16)}-`));
  try {
    const { files, problems } = planWheel(zip, filename);
    // An invalid wheel is still read through (nothing written) so that one error lists every problem.
    const write = problems.length === 0;
    const root = new SafeRoot(tmp, "the unpack directory");
    const execMode = (0o777 & ~currentUmask()) | 0o111;
    // Problems per file, reported in archive order whatever order the files finish in.
    const found: string[][] = files.map(() => []);
    const unpackOne = async (f: PlannedFile, at: number): Promise<void> => {
      const dest = write ? root.join(f.name, `${filename}: ${f.name}`) : undefined;
      if (dest !== undefined) root.ensureParent(dest, `${filename}: ${f.name}`);
      const mode = f.executable ? execMode : undefined;
      let streamed;
      try {
        if (f.entry.uncompressedSize <= INLINE && f.entry.compressedSize <= INLINE) {
          const fd = dest === undefined ? undefined : openSync(dest, "wx", mode);
          try {
            streamed = zip.copySmallSync(f.entry, fd, f.algorithm);
          } finally {
            if (fd !== undefined) {
              // The umask applies at creation; an executable entry is executable whatever it says.
              if (mode !== undefined) fchmodSync(fd, mode);
              closeSync(fd);
            }
          }
        } else {
          const out = dest === undefined ? undefined : await open(dest, "wx", mode);
          try {
            streamed = await zip.streamTo(f.entry, out, f.algorithm);
          } finally {
            if (out !== undefined && mode !== undefined) await out.chmod(mode);
            await out?.close();
          }
        }
      } catch (cause) {
        if (!(cause instanceof ZipError)) throw cause;
        found[at]!.push(`${f.name}: cannot be read: ${cause.message}`);
        return;
      }
      if (!f.row) return;
      const expected = parseRecordHash(f.row.hash)!;
      const actual = `${expected.algorithm}=${streamed.digest ?? ""}`;
      if (actual !== `${expected.algorithm}=${expected.digest}`) {
        found[at]!.push(`${f.name}: RECORD says ${f.row.hash}, the file has ${actual}`);
      } else if (f.row.size !== undefined && f.row.size !== streamed.size) {
        found[at]!.push(`${f.name}: RECORD says ${f.row.size} bytes, the file has ${streamed.size}`);
      }
    };
    // Large entries first, several at once on the thread pool; meanwhile one lane does the small
    // ones here, giving the event loop a turn every few milliseconds so the large ones keep moving.
    const inline = (f: PlannedFile) => f.entry.uncompressedSize <= INLINE && f.entry.compressedSize <= INLINE;
    const order = files.map((f, at) => ({ f, at }));
    const large = order
      .filter((o) => !inline(o.f))
      .sort((x, y) => y.f.entry.compressedSize - x.f.entry.compressedSize);
    const small = order.filter((o) => inline(o.f));
    let failure: unknown;
    const lane = async (queue: Array<{ f: PlannedFile; at: number }>): Promise<void> => {
      let turn = performance.now();
      for (let item = queue.shift(); item !== undefined && failure === undefined; item = queue.shift()) {
        try {
          await unpackOne(item.f, item.at);
        } catch (error) {
          failure ??= error;
        }
        if (performance.now() - turn > 4) {
          await new Promise((resolveTurn) => setImmediate(resolveTurn));
          turn = performance.now();
        }
      }
    };
    await Promise.all([
      lane(small),
      ...Array.from({ length: Math.min(LARGE_LANES, large.length) }, () => lane(large)),
    ]);
    if (failure !== undefined) throw failure;
    problems.push(...found.flat());
    if (problems.length > 0) throw new WheelInvalidError(filename, problems);
    root.ensureParent(join(tmp, "x"), filename);
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another process unpacked the same wheel first: its copy is identical.
      if (!existsSync(dir)) throw error;
    }
  } finally {
    zip.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
