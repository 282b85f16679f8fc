import { execFileSync } from "node:child_process";
import { strToU8, strFromU8, zipSync } from "fflate";
import { describe, expect, test } from "vitest";
import {
  crc32,
  entryByteRange,
  extractEntry,
  parseCentralDirectory,
  parseZipEocd,
  readZipEntries,
  type ZipEntry,
} from "./zip";

const FILES = {
  "demo/__init__.py": strToU8("print('hi')\n".repeat(200)),
  "demo-1.0.dist-info/METADATA": strToU8("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"),
  "demo-1.0.dist-info/RECORD": strToU8(""),
  "demo-1.0.dist-info/WHEEL": strToU8("Wheel-Version: 1.0\n"),
};

function makeZip(level: 0 | 6 = 6): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(FILES).map(([name, data]) => [name, [data, { level }]])), {
    mtime: new Date(2020, 0, 1),
  });
}

/** fflate writes no archive comment; add one by rewriting the EOCD's comment length. */
function withComment(zip: Uint8Array, comment: string): Uint8Array {
  const bytes = strToU8(comment);
  const out = new Uint8Array(zip.length + bytes.length);
  out.set(zip);
  out.set(bytes, zip.length);
  new DataView(out.buffer).setUint16(zip.length - 2, bytes.length, true);
  return out;
}

/** Rewrite an archive's EOCD the ZIP64 way: real values in a ZIP64 record, 0xFF… in the EOCD. */
function asZip64(zip: Uint8Array): Uint8Array {
  const eocdAt = zip.length - 22;
  const old = new DataView(zip.buffer, zip.byteOffset);
  const count = old.getUint16(eocdAt + 10, true);
  const size = old.getUint32(eocdAt + 12, true);
  const offset = old.getUint32(eocdAt + 16, true);
  const out = new Uint8Array(zip.length + 56 + 20);
  out.set(zip.subarray(0, eocdAt));
  const dv = new DataView(out.buffer);
  let at = eocdAt;
  dv.setUint32(at, 0x06064b50, true);
  dv.setBigUint64(at + 4, 44n, true);
  dv.setUint16(at + 12, 45, true);
  dv.setUint16(at + 14, 45, true);
  dv.setBigUint64(at + 24, BigInt(count), true);
  dv.setBigUint64(at + 32, BigInt(count), true);
  dv.setBigUint64(at + 40, BigInt(size), true);
  dv.setBigUint64(at + 48, BigInt(offset), true);
  at += 56;
  dv.setUint32(at, 0x07064b50, true);
  dv.setBigUint64(at + 8, BigInt(eocdAt), true);
  dv.setUint32(at + 16, 1, true);
  at += 20;
  out.set(zip.subarray(eocdAt), at);
  dv.setUint16(at + 8, 0xffff, true);
  dv.setUint16(at + 10, 0xffff, true);
  dv.setUint32(at + 12, 0xffffffff, true);
  dv.setUint32(at + 16, 0xffffffff, true);
  return out;
}

/** A central directory entry whose sizes and offset live in a ZIP64 extra field. */
function zip64CentralEntry(name: string, sizes: [number, number, number]): Uint8Array {
  const nameBytes = strToU8(name);
  const out = new Uint8Array(46 + nameBytes.length + 28);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x02014b50, true);
  dv.setUint16(8, 0x800, true);
  dv.setUint32(20, 0xffffffff, true);
  dv.setUint32(24, 0xffffffff, true);
  dv.setUint16(28, nameBytes.length, true);
  dv.setUint16(30, 28, true);
  dv.setUint32(42, 0xffffffff, true);
  out.set(nameBytes, 46);
  const extra = 46 + nameBytes.length;
  dv.setUint16(extra, 1, true);
  dv.setUint16(extra + 2, 24, true);
  sizes.forEach((value, i) => dv.setBigUint64(extra + 4 + 8 * i, BigInt(value), true));
  return out;
}

/** What an HTTP client would do: tail, then the central directory, then one entry's range. */
function readByRanges(zip: Uint8Array, name: string, tailSize: number): string {
  const tailOffset = Math.max(0, zip.length - tailSize);
  const eocd = parseZipEocd(zip.slice(tailOffset), tailOffset);
  const cd = zip.slice(eocd.centralDirectoryOffset, eocd.centralDirectoryOffset + eocd.centralDirectorySize);
  const entries = parseCentralDirectory(cd);
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no ${name}`);
  const { start, end } = entryByteRange(entries, entry, eocd.centralDirectoryOffset);
  return strFromU8(extractEntry(zip.slice(start, end), entry));
}

describe("zip reading by ranges", () => {
  test.each([
    ["deflated", makeZip(6), 1024],
    ["stored", makeZip(0), 1024],
    ["with a comment", withComment(makeZip(), "built by a test \u2014 PK\x05\x06 inside"), 4096],
    ["ZIP64", asZip64(makeZip()), 1024],
    ["ZIP64 with a comment", withComment(asZip64(makeZip()), "c".repeat(300)), 1024],
  ])("%s", (_, zip, tail) => {
    for (const [name, data] of Object.entries(FILES)) {
      expect(readByRanges(zip, name, tail)).toBe(strFromU8(data));
    }
  });

  test("the EOCD fields and comment", () => {
    const zip = withComment(makeZip(), "hello");
    const { eocd, entries } = readZipEntries(zip);
    expect(eocd.entryCount).toBe(4);
    expect(eocd.zip64).toBe(false);
    expect(strFromU8(eocd.comment)).toBe("hello");
    expect(entries.map((e) => e.name)).toEqual(Object.keys(FILES));
    expect(entries.map((e) => e.uncompressedSize)).toEqual(Object.values(FILES).map((d) => d.length));
    expect(entries.map((e) => e.crc32)).toEqual(Object.values(FILES).map((d) => crc32(d)));
    expect(readZipEntries(asZip64(makeZip())).eocd).toMatchObject({ zip64: true, entryCount: 4 });
  });

  test("ZIP64 extra fields in the central directory", () => {
    const cd = zip64CentralEntry("big.bin", [5_000_000_000, 4_000_000_000, 6_000_000_000]);
    expect(parseCentralDirectory(cd)).toEqual([
      {
        name: "big.bin",
        method: 0,
        crc32: 0,
        compressedSize: 4_000_000_000,
        uncompressedSize: 5_000_000_000,
        localHeaderOffset: 6_000_000_000,
        externalAttributes: 0,
      },
    ]);
  });

  test("crc32 of a known string", () => {
    expect(crc32(strToU8("123456789")).toString(16)).toBe("cbf43926");
  });
});

describe("zip errors", () => {
  const zip = makeZip();
  const { eocd, entries } = readZipEntries(zip);
  const metadata = entries[1]!;
  const range = entryByteRange(entries, metadata, eocd.centralDirectoryOffset);

  test.each<[string, () => unknown, string]>([
    [
      "not a zip",
      () => parseZipEocd(strToU8("hello world, this is not a zip file")),
      "No end of central directory record found: this is not a ZIP archive",
    ],
    [
      "ZIP64 record before the tail",
      () => parseZipEocd(asZip64(zip).slice(-42), asZip64(zip).length - 42),
      "The ZIP64 end of central directory record is outside the bytes given",
    ],
    [
      "truncated entry data",
      () => extractEntry(zip.slice(range.start, range.end - 5), metadata),
      `The data of "demo-1.0.dist-info/METADATA" is truncated: need ${range.end - range.start} bytes, have ${range.end - range.start - 5}`,
    ],
    [
      "wrong offset",
      () => extractEntry(zip.slice(range.start + 1, range.end), metadata),
      `No local file header for "demo-1.0.dist-info/METADATA" at the given bytes`,
    ],
    [
      "bad CRC",
      () => extractEntry(zip.slice(range.start, range.end), { ...metadata, crc32: 1 } satisfies ZipEntry),
      `"demo-1.0.dist-info/METADATA" has CRC-32 ${metadata.crc32.toString(16).padStart(8, "0")}, expected 00000001`,
    ],
    [
      "unknown method",
      () => extractEntry(zip.slice(range.start, range.end), { ...metadata, method: 12 }),
      `"demo-1.0.dist-info/METADATA" uses compression method 12, only stored (0) and deflate (8) are supported`,
    ],
    [
      "garbage after the central directory",
      () => parseCentralDirectory(new Uint8Array([1, 2, 3])),
      "Unexpected bytes at offset 0 of the central directory",
    ],
  ])("%s", (_, run, message) => {
    expect(run).toThrow(message);
    try {
      run();
    } catch (error) {
      expect((error as Error).message).toBe(message);
      expect((error as { code: string }).code).toBe("zip-invalid");
    }
  });
});

/**
 * Archives from another writer: CPython's zipfile, once to a seekable buffer with a forced ZIP64 local
 * header (its extra field differs in length from the central one), once to an unseekable stream
 * (data descriptors: the local header's sizes and CRC are zero).
 */
const PYTHON_ZIPS = String.raw`
import base64, io, json, zipfile
class Unseekable(io.RawIOBase):
    def __init__(self): self.buf = bytearray()
    def writable(self): return True
    def write(self, b): self.buf += b; return len(b)
out = {}
for kind in ("seekable", "unseekable"):
    target = io.BytesIO() if kind == "seekable" else Unseekable()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.comment = b"made by python"
        z.writestr("pkg/__init__.py", "x = 1\n" * 100)
        with z.open("pkg-1.0.dist-info/METADATA", "w", force_zip64=True) as f:
            f.write(b"Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n")
        z.writestr(zipfile.ZipInfo("pkg-1.0.dist-info/RECORD"), "", compress_type=zipfile.ZIP_STORED)
    data = target.getvalue() if kind == "seekable" else bytes(target.buf)
    out[kind] = base64.b64encode(data).decode()
print(json.dumps(out))
`;

describe("zip archives written by CPython's zipfile", () => {
  const zips = JSON.parse(execFileSync("/usr/bin/python3", ["-c", PYTHON_ZIPS]).toString()) as Record<
    string,
    string
  >;
  test.each(Object.keys(zips))("%s", (kind) => {
    const zip = new Uint8Array(Buffer.from(zips[kind]!, "base64"));
    expect(strFromU8(readZipEntries(zip).eocd.comment)).toBe("made by python");
    expect(readByRanges(zip, "pkg/__init__.py", 256)).toBe("x = 1\n".repeat(100));
    expect(readByRanges(zip, "pkg-1.0.dist-info/METADATA", 256)).toBe(
      "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n",
    );
    expect(readByRanges(zip, "pkg-1.0.dist-info/RECORD", 256)).toBe("");
  });
});
