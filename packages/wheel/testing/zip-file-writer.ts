/**
 * Writes ZIP archives straight to a file, entry by entry (PKWARE APPNOTE 6.3), for tests that need
 * archives too large to hold in memory (a 1 GB entry of zeros, a 200 MB wheel) or deliberately
 * hostile ones (raw names with `..` or NUL, many central-directory entries sharing one local header,
 * declared sizes that lie).
 *
 * Streamed entries (`chunks`) use a data descriptor (flag bit 3), so their sizes and CRC-32 only
 * appear after the data and in the central directory, as real zip writers do. No ZIP64: archives
 * stay under 4 GiB.
 */
import { once } from "node:events";
import { closeSync, openSync, writeSync } from "node:fs";
import { crc32, createDeflateRaw, deflateRawSync } from "node:zlib";

export interface ZipFileEntry {
  /** Written as given: tests use hostile names on purpose. */
  name: string;
  /** The whole contents, or `chunks` for a streamed entry. */
  data?: Uint8Array | string;
  chunks?: () => Iterable<Uint8Array>;
  /** 0 stored, 8 deflate (default). */
  method?: 0 | 8;
  /** Unix mode for the external attributes (default 0o644, 0o755 when it ends in "/"). */
  mode?: number;
  /** Lie in the central directory about the uncompressed size. */
  declaredSize?: number;
  /**
   * A stored entry of this many zero bytes, left as a hole in the file (sparse): archives over
   * 2 GiB without writing gigabytes. Under 4 GiB (no ZIP64).
   */
  sparseZeros?: number;
}

export interface ZipFileOptions {
  /** Extra central-directory records that all point at the local header of entry `of`. */
  aliases?: { of: number; names: readonly string[] };
}

interface Written {
  name: Buffer;
  method: number;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  mode: number;
}

class Out {
  at = 0;
  constructor(readonly fd: number) {}
  write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, this.at + done);
    this.at += bytes.length;
  }
  /** Leave `n` bytes unwritten (read back as zeros). */
  skip(n: number): void {
    this.at += n;
  }
}

function localHeader(w: Written): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(20, 4);
  b.writeUInt16LE(w.flags, 6);
  b.writeUInt16LE(w.method, 8);
  b.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
  b.writeUInt32LE(w.flags & 8 ? 0 : w.crc, 14);
  b.writeUInt32LE(w.flags & 8 ? 0 : w.compressed, 18);
  b.writeUInt32LE(w.flags & 8 ? 0 : w.size, 22);
  b.writeUInt16LE(w.name.length, 26);
  b.writeUInt16LE(0, 28);
  return Buffer.concat([b, w.name]);
}

function centralHeader(w: Written, name: Buffer = w.name): Buffer {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
  b.writeUInt16LE(20, 6);
  b.writeUInt16LE(w.flags, 8);
  b.writeUInt16LE(w.method, 10);
  b.writeUInt32LE(0x00210000, 12);
  b.writeUInt32LE(w.crc, 16);
  b.writeUInt32LE(w.compressed, 20);
  b.writeUInt32LE(w.size, 24);
  b.writeUInt16LE(name.length, 28);
  b.writeUInt32LE((w.mode & 0xffff) * 0x10000, 38);
  b.writeUInt32LE(w.offset, 42);
  return Buffer.concat([b, name]);
}

async function streamEntry(out: Out, w: Written, chunks: Iterable<Uint8Array>): Promise<void> {
  out.write(localHeader(w));
  const start = out.at;
  let crc = 0;
  let size = 0;
  if (w.method === 0) {
    for (const c of chunks) {
      crc = crc32(c, crc);
      size += c.length;
      out.write(c);
    }
  } else {
    const deflate = createDeflateRaw({ level: 6 });
    deflate.on("data", (b: Buffer) => out.write(b));
    const ended = once(deflate, "end");
    for (const c of chunks) {
      crc = crc32(c, crc);
      size += c.length;
      if (!deflate.write(c)) await once(deflate, "drain");
    }
    deflate.end();
    await ended;
  }
  w.crc = crc >>> 0;
  w.size = size;
  w.compressed = out.at - start;
  const dd = Buffer.alloc(16);
  dd.writeUInt32LE(0x08074b50, 0);
  dd.writeUInt32LE(w.crc, 4);
  dd.writeUInt32LE(w.compressed, 8);
  dd.writeUInt32LE(w.size, 12);
  out.write(dd);
}

/** Write `entries` as a ZIP archive at `path`. */
export async function writeZipFile(
  path: string,
  entries: readonly ZipFileEntry[],
  opts: ZipFileOptions = {},
): Promise<void> {
  const out = new Out(openSync(path, "w"));
  const written: Written[] = [];
  try {
    for (const e of entries) {
      const w: Written = {
        name: Buffer.from(e.name, "utf8"),
        method: e.method ?? 8,
        flags: 0x800,
        crc: 0,
        compressed: 0,
        size: 0,
        offset: out.at,
        mode: 0o100000 | (e.mode ?? (e.name.endsWith("/") ? 0o755 : 0o644)),
      };
      if (e.sparseZeros !== undefined) {
        w.method = 0;
        w.size = w.compressed = e.sparseZeros;
        let crc = 0;
        const zeros = new Uint8Array(16 * 1024 * 1024);
        for (let left = e.sparseZeros; left > 0; left -= zeros.length)
          crc = crc32(zeros.subarray(0, Math.min(zeros.length, left)), crc);
        w.crc = crc >>> 0;
        out.write(localHeader(w));
        out.skip(e.sparseZeros);
      } else if (e.chunks) {
        w.flags |= 8;
        await streamEntry(out, w, e.chunks());
      } else {
        const data = typeof e.data === "string" ? Buffer.from(e.data) : (e.data ?? new Uint8Array());
        const stored = w.method === 8 ? deflateRawSync(data) : data;
        w.crc = crc32(data) >>> 0;
        w.size = data.length;
        w.compressed = stored.length;
        out.write(localHeader(w));
        out.write(stored);
      }
      if (e.declaredSize !== undefined) w.size = e.declaredSize;
      written.push(w);
    }
    const cdStart = out.at;
    let count = 0;
    for (const w of written) {
      out.write(centralHeader(w));
      count++;
    }
    if (opts.aliases) {
      const target = written[opts.aliases.of]!;
      for (const name of opts.aliases.names) {
        out.write(centralHeader(target, Buffer.from(name, "utf8")));
        count++;
      }
    }
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(count, 8);
    eocd.writeUInt16LE(count, 10);
    eocd.writeUInt32LE(out.at - cdStart, 12);
    eocd.writeUInt32LE(cdStart, 16);
    out.write(eocd);
  } finally {
    closeSync(out.fd);
  }
}
