/**
 * A ZIP reader over a file descriptor (PKWARE APPNOTE 6.3, incl. ZIP64) that never holds the archive
 * in memory: the end of central directory and the central directory are read with positioned reads,
 * then each entry is streamed from its local header through raw inflate into its destination, hashed
 * and counted on the way. Archives of any size work (positions are plain numbers, exact to 2^53).
 *
 * Limits (`ArchiveLimits`) are checked at two points: what the central directory declares is judged
 * before a byte is inflated (entry count, total size, ratio, overlapping or duplicate entries, a
 * file and a directory of the same name), and what inflates is held to the declared size (inflating
 * stops at the first byte past it and nothing past it is written), so a lying directory cannot get
 * more out either.
 *
 * Pitfalls: the classic "overlapping" zip bomb points many central-directory records at one local
 * header, so that a small file expands once per record; entries are sorted by local header offset
 * and each must end before the next begins (and before the central directory). A local header's
 * name and extra lengths may differ from the central ones, so the exact data start is only known
 * after reading it, and that exact end is checked again before streaming.
 */
import { closeSync, fstatSync, openSync, readSync, write, writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import type { Hash } from "node:crypto";
import { once } from "node:events";
import { promisify } from "node:util";
import { crc32, createInflateRaw, inflateRaw, inflateRawSync } from "node:zlib";
import type { ZlibOptions } from "node:zlib";
import { LockstepError } from "@lockstep/errors";
import { parseCentralDirectory, parseZipEocd, ZIP_TAIL_SIZE, ZipError, LOCAL_HEADER_SIZE } from "./zip";
import type { ZipEntry } from "./zip";

export interface ArchiveLimits {
  /** Sum of the declared uncompressed sizes of all entries, in bytes. */
  maxTotalSize: number;
  /** Number of entries in the central directory. */
  maxEntries: number;
  /** Largest uncompressed : compressed ratio of one entry above `ratioFloor`. */
  maxRatio: number;
  /** Entries at most this large (uncompressed) are exempt from the ratio check. */
  ratioFloor: number;
}

/**
 * Defaults, chosen to pass every real wheel while stopping bombs early:
 * - 8 GiB in total: the largest wheels on PyPI (CUDA builds of torch, tensorflow) unpack to 3–5 GiB;
 * - 200,000 entries: large distributions (e.g. scipy with tests, botocore's data) have tens of
 *   thousands of files;
 * - 200:1 per entry above 16 MiB: deflate cannot exceed about 1032:1 and a bomb needs the maximum;
 *   real entries over 16 MiB stay far below (7.2:1 at most among the 967 wheels of this machine's
 *   PyPI mirror, torch, tensorflow and CUDA libraries included; `testing/scan-limits.ts`), but
 *   smaller zero-filled test data does not: onnx ships a 2.5 MB all-zero `input_0.pb` at 1016:1.
 *   Entries up to 16 MiB are therefore exempt; their absolute size is harmless, and the total is
 *   capped anyway.
 */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxTotalSize: 8 * 1024 ** 3,
  maxEntries: 200_000,
  maxRatio: 200,
  ratioFloor: 16 * 1024 ** 2,
});

export class ArchiveLimitError extends LockstepError {
  constructor(
    archive: string,
    message: string,
    /** The `ArchiveLimits` field that refused it (`maxEntries`, …), for callers naming their setting. */
    readonly limit: string,
  ) {
    super("archive-limit-exceeded", `The archive ${archive} ${message}`, {
      hint: `refused by the archive limit ${limit}; nothing from it was kept. If the archive is trusted, raise that limit`,
    });
  }
}

export class ArchiveEntryError extends LockstepError {}

/** Read and inflate in pieces of this size (fewer, larger writes and hash updates). */
const CHUNK = 1024 * 1024;
/** Entries this small (compressed and declared) are inflated in one call, bounded by their size. */
export const SMALL_ENTRY = 1024 * 1024;
const SMALL = SMALL_ENTRY;

/** What streaming one entry produced. */
export interface StreamedEntry {
  size: number;
  /** base64url digest of the requested algorithm (node name), when one was asked for. */
  digest: string | undefined;
}

function gib(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : `${n} bytes`;
}

/** An open ZIP archive on disk. Call `close()` when done. */
export class ZipFile {
  readonly entries: ZipEntry[];
  readonly size: number;
  private readonly ends = new Map<ZipEntry, number>();

  private constructor(
    private readonly fd: number,
    readonly label: string,
    readonly limits: ArchiveLimits,
  ) {
    this.size = fstatSync(fd).size;
    const tailStart = Math.max(0, this.size - ZIP_TAIL_SIZE);
    const eocd = parseZipEocd(this.read(tailStart, this.size - tailStart), tailStart);
    if (eocd.entryCount > limits.maxEntries) {
      throw new ArchiveLimitError(
        label,
        `has ${eocd.entryCount} entries, more than the limit of ${limits.maxEntries}`,
        "maxEntries",
      );
    }
    const cdEnd = eocd.centralDirectoryOffset + eocd.centralDirectorySize;
    if (cdEnd > this.size) throw new ZipError("The central directory is outside the file");
    this.entries = parseCentralDirectory(this.read(eocd.centralDirectoryOffset, eocd.centralDirectorySize));
    if (this.entries.length !== eocd.entryCount) {
      throw new ZipError(
        `The central directory has ${this.entries.length} entries, the EOCD says ${eocd.entryCount}`,
      );
    }
    if (this.entries.length > limits.maxEntries) {
      throw new ArchiveLimitError(
        label,
        `has ${this.entries.length} entries, more than the limit of ${limits.maxEntries}`,
        "maxEntries",
      );
    }
    this.checkDeclared(eocd.centralDirectoryOffset);
  }

  /** Open `path`; `label` names it in errors (default: the path). */
  static open(path: string, opts: { label?: string; limits?: Partial<ArchiveLimits> } = {}): ZipFile {
    const fd = openSync(path, "r");
    try {
      return new ZipFile(fd, opts.label ?? path, { ...DEFAULT_ARCHIVE_LIMITS, ...opts.limits });
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(position: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, position + done);
      if (n === 0) throw new ZipError(`Unexpected end of file at offset ${position + done}`);
      done += n;
    }
    return out;
  }

  /** Everything the central directory promises, judged before anything is inflated. */
  private checkDeclared(cdOffset: number): void {
    const { label, limits } = this;
    let total = 0;
    const names = new Map<string, string>();
    for (const e of this.entries) {
      total += e.uncompressedSize;
      if (total > limits.maxTotalSize) {
        throw new ArchiveLimitError(
          label,
          `declares more than ${gib(limits.maxTotalSize)} of uncompressed data (at entry ${JSON.stringify(e.name)})`,
          "maxTotalSize",
        );
      }
      if (
        e.uncompressedSize > limits.ratioFloor &&
        e.uncompressedSize > limits.maxRatio * Math.max(1, e.compressedSize)
      ) {
        throw new ArchiveLimitError(
          label,
          `has an entry ${JSON.stringify(e.name)} that expands ${e.compressedSize} bytes to ${e.uncompressedSize} (more than ${limits.maxRatio}:1)`,
          "maxRatio",
        );
      }
      const key = e.name.endsWith("/") ? e.name.slice(0, -1) : e.name;
      const before = names.get(key);
      if (before !== undefined) {
        const clash = before !== e.name;
        throw new ArchiveEntryError(
          clash ? "archive-file-dir-conflict" : "archive-duplicate-entry",
          clash
            ? `The archive ${label} has both a file and a directory named ${JSON.stringify(key)}`
            : `The archive ${label} has the entry ${JSON.stringify(e.name)} twice`,
        );
      }
      names.set(key, e.name);
    }
    // A file whose name is also a parent directory of another entry.
    const files = new Set(this.entries.filter((e) => !e.name.endsWith("/")).map((e) => e.name));
    for (const e of this.entries) {
      for (let slash = e.name.indexOf("/"); slash > 0; slash = e.name.indexOf("/", slash + 1)) {
        const parent = e.name.slice(0, slash);
        if (files.has(parent)) {
          throw new ArchiveEntryError(
            "archive-file-dir-conflict",
            `The archive ${label} has both a file and a directory named ${JSON.stringify(parent)} (${JSON.stringify(e.name)} is inside it)`,
          );
        }
      }
    }
    // Every entry's data must end before the next entry's local header and the central directory.
    const sorted = [...this.entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    for (let i = 0; i < sorted.length; i++) {
      const e = sorted[i]!;
      const next = i + 1 < sorted.length ? sorted[i + 1]!.localHeaderOffset : cdOffset;
      const nextName = i + 1 < sorted.length ? JSON.stringify(sorted[i + 1]!.name) : "the central directory";
      this.ends.set(e, next);
      if (e.localHeaderOffset + LOCAL_HEADER_SIZE + e.compressedSize > next) {
        throw new ArchiveLimitError(
          label,
          `has overlapping entries: the data of ${JSON.stringify(e.name)} (local header at ${e.localHeaderOffset}, ${e.compressedSize} bytes) runs into ${nextName}`,
          "overlapping entries (always refused)",
        );
      }
    }
  }

  /** The absolute offset of `entry`'s data, checked to end before whatever follows it. */
  private dataStart(entry: ZipEntry): number {
    const header = this.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE);
    if (header.readUInt32LE(0) !== 0x04034b50) {
      throw new ZipError(`No local file header for "${entry.name}" at offset ${entry.localHeaderOffset}`);
    }
    const start =
      entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
    const limit = this.ends.get(entry) ?? this.size;
    if (start + entry.compressedSize > limit) {
      throw new ArchiveLimitError(
        this.label,
        `has overlapping entries: the data of ${JSON.stringify(entry.name)} runs past offset ${limit}`,
        "overlapping entries (always refused)",
      );
    }
    return start;
  }

  private overflow(entry: ZipEntry): never {
    throw new ArchiveLimitError(
      this.label,
      `has an entry ${JSON.stringify(entry.name)} that inflates to more than the ${entry.uncompressedSize} bytes its central directory record declares`,
      "declared size",
    );
  }

  private checkDone(entry: ZipEntry, size: number, crc: number): void {
    if (size !== entry.uncompressedSize) {
      throw new ZipError(
        `"${entry.name}" has ${size} bytes, the central directory says ${entry.uncompressedSize}`,
      );
    }
    if (crc >>> 0 !== entry.crc32) {
      throw new ZipError(
        `"${entry.name}" has CRC-32 ${(crc >>> 0).toString(16).padStart(8, "0")}, expected ${entry.crc32.toString(16).padStart(8, "0")}`,
      );
    }
  }

  private checkMethod(entry: ZipEntry): void {
    if (entry.method !== 0 && entry.method !== 8) {
      throw new ZipError(
        `"${entry.name}" uses compression method ${entry.method}, only stored (0) and deflate (8) are supported`,
      );
    }
  }

  /** The whole contents of a small entry (RECORD, entry_points.txt); refused above `max` bytes. */
  readSmall(entry: ZipEntry, max = 256 * 1024 * 1024): Buffer {
    this.checkMethod(entry);
    if (entry.uncompressedSize > max) {
      throw new ArchiveLimitError(
        this.label,
        `has a ${entry.name} of ${entry.uncompressedSize} bytes, more than ${max}`,
        "metadata file size",
      );
    }
    const data = this.readWhole(entry);
    this.checkDone(entry, data.length, crc32(data));
    return data;
  }

  /** A small entry's bytes, read and inflated at once, held to its declared size. */
  private readWhole(entry: ZipEntry): Buffer {
    const raw = this.read(this.dataStart(entry), entry.compressedSize);
    let data: Buffer;
    if (entry.method === 0) data = raw;
    else {
      try {
        data = inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") this.overflow(entry);
        throw new ZipError(`The data of "${entry.name}" could not be inflated`, { cause });
      }
    }
    if (data.length > entry.uncompressedSize) this.overflow(entry);
    return data;
  }

  /**
   * `streamTo` for an entry of at most 1 MiB (compressed and declared), done at once on this thread:
   * for the thousands of small files of a large wheel, a trip to the thread pool and back per open,
   * inflate, write and close costs more than the work itself.
   */
  copySmallSync(entry: ZipEntry, outFd: number | undefined, algorithm?: string): StreamedEntry {
    this.checkMethod(entry);
    if (entry.compressedSize > SMALL || entry.uncompressedSize > SMALL) {
      throw new RangeError(`copySmallSync: "${entry.name}" is larger than ${SMALL} bytes`);
    }
    const data = this.readWhole(entry);
    const digest = algorithm ? createHash(algorithm).update(data).digest("base64url") : undefined;
    this.checkDone(entry, data.length, algorithm ? entry.crc32 : crc32(data));
    if (outFd !== undefined) {
      for (let done = 0; done < data.length;) done += writeSync(outFd, data, done, data.length - done);
    }
    return { size: data.length, digest };
  }

  /**
   * Stream `entry` into `out` (an open file descriptor or FileHandle; undefined: only hash and
   * count), hashing with `algorithm` (a node hash name) when given — then the CRC-32 is left to that
   * stronger check; without one the CRC-32 is checked. Inflating and writing run on libuv's thread
   * pool, so several entries streamed at once overlap; hashing stays on this thread. Never holds
   * more than about two chunks of the entry's data in memory (small entries: their size).
   */
  async streamTo(
    entry: ZipEntry,
    out: number | FileHandle | undefined,
    algorithm?: string,
  ): Promise<StreamedEntry> {
    this.checkMethod(entry);
    const start = this.dataStart(entry);
    const hash: Hash | undefined = algorithm ? createHash(algorithm) : undefined;
    let size = 0;
    let crc = 0;
    const put = async (chunk: Uint8Array): Promise<void> => {
      size += chunk.length;
      if (size > entry.uncompressedSize) this.overflow(entry);
      if (!hash) crc = crc32(chunk, crc);
      hash?.update(chunk);
      if (out !== undefined) await writeAll(out, chunk);
    };
    if (entry.method === 0) {
      for (let at = 0; at < entry.compressedSize; at += CHUNK)
        await put(this.read(start + at, Math.min(CHUNK, entry.compressedSize - at)));
    } else if (entry.compressedSize <= SMALL && entry.uncompressedSize <= SMALL) {
      let data: Buffer;
      try {
        data = await inflateRawAsync(this.read(start, entry.compressedSize), {
          maxOutputLength: entry.uncompressedSize + 1,
        });
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") this.overflow(entry);
        throw new ZipError(`The data of "${entry.name}" could not be inflated`, { cause });
      }
      await put(data);
    } else {
      await this.inflateStream(entry, start, put);
    }
    // With a hash asked for, the caller checks a stronger digest than CRC-32 (RECORD's sha256):
    // computing both would cost a second pass over every byte for nothing.
    this.checkDone(entry, size, hash ? entry.crc32 : crc);
    return { size, digest: hash?.digest("base64url") };
  }

  /** Feed the entry's compressed bytes to a raw inflater and hand each output chunk to `put`, in order. */
  private async inflateStream(
    entry: ZipEntry,
    start: number,
    put: (chunk: Uint8Array) => Promise<void>,
  ): Promise<void> {
    const inflate = createInflateRaw({ chunkSize: CHUNK });
    const pump = (async () => {
      for (let at = 0; at < entry.compressedSize;) {
        const chunk = this.read(start + at, Math.min(CHUNK, entry.compressedSize - at));
        at += chunk.length;
        if (!inflate.write(chunk)) await once(inflate, "drain");
      }
      inflate.end();
    })();
    // A failed read ends the output side with that error; a failure on the output side stops the pump.
    pump.catch((error: unknown) => inflate.destroy(error as Error));
    try {
      for await (const chunk of inflate as AsyncIterable<Buffer>) await put(chunk);
    } catch (error) {
      inflate.destroy();
      if (error instanceof LockstepError) throw error;
      throw new ZipError(`The data of "${entry.name}" could not be inflated`, { cause: error });
    }
  }
}

const inflateRawAsync = promisify(inflateRaw) as (buf: Buffer, opts: ZlibOptions) => Promise<Buffer>;
const writeFd = (fd: number, buf: Uint8Array, offset: number, length: number): Promise<number> =>
  new Promise((resolvePromise, reject) =>
    write(fd, buf, offset, length, null, (error, n) => (error ? reject(error) : resolvePromise(n))),
  );

async function writeAll(out: number | FileHandle, chunk: Uint8Array): Promise<void> {
  for (let done = 0; done < chunk.length;) {
    done +=
      typeof out === "number"
        ? await writeFd(out, chunk, done, chunk.length - done)
        : (await out.write(chunk, done, chunk.length - done)).bytesWritten;
  }
}
