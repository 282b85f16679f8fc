/**
 * The streaming reader and its limits, on archives written to disk by the tests: contents stream
 * back byte for byte with the right hash; every limit refuses with an error naming the archive, the
 * entry and the limit; the overlapping-entries bomb (1000 central-directory records sharing one
 * local header) and a central directory that understates a size are refused.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { variedBytes, writeZipFile, zeroBytes } from "../testing";
import type { ZipFileEntry, ZipFileOptions } from "../testing";
import { ArchiveEntryError, ArchiveLimitError, DEFAULT_ARCHIVE_LIMITS, ZipFile } from "./zip-stream";
import type { ArchiveLimits } from "./zip-stream";

const dir = mkdtempSync(join(tmpdir(), "ls-zipstream-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
async function zip(entries: ZipFileEntry[], opts?: ZipFileOptions): Promise<string> {
  const path = join(dir, `a${n++}.zip`);
  await writeZipFile(path, entries, opts);
  return path;
}

describe("streaming entries", () => {
  test("stored, small deflated and large deflated entries come back byte for byte, hashed", async () => {
    const big = Buffer.concat([...variedBytes(7, 3 * 1024 * 1024)]);
    const path = await zip([
      { name: "stored.txt", data: "hello\n", method: 0 },
      { name: "small.txt", data: "x".repeat(1000) },
      { name: "big.bin", chunks: () => variedBytes(7, 3 * 1024 * 1024) },
    ]);
    const z = ZipFile.open(path);
    try {
      const out = join(dir, "out.bin");
      for (const [name, expected] of [
        ["stored.txt", Buffer.from("hello\n")],
        ["small.txt", Buffer.from("x".repeat(1000))],
        ["big.bin", big],
      ] as const) {
        const fd = openSync(out, "w");
        const res = await z.streamTo(
          z.entries.find((e) => e.name === name)!,
          fd,
          "sha256",
        );
        closeSync(fd);
        expect(readFileSync(out).equals(expected), name).toBe(true);
        expect(res).toEqual({
          size: expected.length,
          digest: createHash("sha256").update(expected).digest("base64url"),
        });
      }
    } finally {
      z.close();
    }
  });
});

describe("archive limits", () => {
  const open = (path: string, limits: Partial<ArchiveLimits> = {}) =>
    ZipFile.open(path, { label: "bomb.whl", limits }).close();

  test("the defaults", () => {
    expect(DEFAULT_ARCHIVE_LIMITS).toEqual({
      maxTotalSize: 8 * 1024 ** 3,
      maxEntries: 200_000,
      maxRatio: 200,
      ratioFloor: 16 * 1024 ** 2,
    });
  });

  // Compressed sizes depend on the zlib build, so they are matched as digits.
  test.each<[string, () => Promise<string>, Partial<ArchiveLimits>, RegExp]>([
    [
      "too many entries",
      () => zip(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: "" }))),
      { maxEntries: 10 },
      /^The archive bomb\.whl has 11 entries, more than the limit of 10$/,
    ],
    [
      "too much in total",
      () =>
        zip([
          { name: "a", data: "x".repeat(600) },
          { name: "b", data: "x".repeat(600) },
        ]),
      { maxTotalSize: 1000, maxRatio: 1e9 },
      /^The archive bomb\.whl declares more than 1000 bytes of uncompressed data \(at entry "b"\)$/,
    ],
    [
      "a ratio above the limit",
      () => zip([{ name: "zeros", chunks: () => zeroBytes(32 * 1024 * 1024) }]),
      {},
      /^The archive bomb\.whl has an entry "zeros" that expands \d+ bytes to 33554432 \(more than 200:1\)$/,
    ],
  ])("%s", async (_what, make, limits, message) => {
    const path = await make();
    let error: unknown;
    try {
      open(path, limits);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArchiveLimitError);
    expect((error as Error).message).toMatch(message);
    expect((error as ArchiveLimitError).code).toBe("archive-limit-exceeded");
  });

  test("entries up to 16 MiB are exempt from the ratio (zero-filled test data, as in onnx)", async () => {
    const path = await zip([{ name: "pad", chunks: () => zeroBytes(16 * 1024 * 1024) }]);
    expect(() => open(path)).not.toThrow();
  });

  test("1000 central-directory records sharing one local header are refused as overlapping", async () => {
    const path = await zip([{ name: "payload", data: Buffer.alloc(64 * 1024, 7) }], {
      aliases: { of: 0, names: Array.from({ length: 1000 }, (_, i) => `copy${i}`) },
    });
    expect(() => open(path)).toThrow(
      /^The archive bomb\.whl has overlapping entries: the data of "payload" \(local header at 0, \d+ bytes\) runs into "copy0"$/,
    );
  });

  test.each<[string, () => Iterable<Uint8Array>, number]>([
    ["inflated in one call", () => zeroBytes(2 * 1024 * 1024), 1000],
    ["streamed", () => variedBytes(5, 3 * 1024 * 1024), 2 * 1024 * 1024],
  ])(
    "an entry that inflates past its declared size stops, nothing past it written (%s)",
    async (_how, chunks, declared) => {
      const path = await zip([{ name: "liar", chunks, declaredSize: declared }]);
      const z = ZipFile.open(path, { label: "bomb.whl" });
      const out = join(dir, "liar.out");
      const fd = openSync(out, "w");
      try {
        await expect(z.streamTo(z.entries[0]!, fd)).rejects.toThrow(
          `The archive bomb.whl has an entry "liar" that inflates to more than the ${declared} bytes its central directory record declares`,
        );
      } finally {
        closeSync(fd);
        z.close();
      }
      expect(readFileSync(out).length).toBeLessThanOrEqual(declared);
    },
  );

  test.each<[string, ZipFileEntry[], string, string]>([
    [
      "a duplicate name",
      [
        { name: "a/x.py", data: "1" },
        { name: "a/x.py", data: "2" },
      ],
      "archive-duplicate-entry",
      'The archive bomb.whl has the entry "a/x.py" twice',
    ],
    [
      "a file and a directory entry of the same name",
      [
        { name: "pkg", data: "1" },
        { name: "pkg/", data: "" },
      ],
      "archive-file-dir-conflict",
      'The archive bomb.whl has both a file and a directory named "pkg"',
    ],
    [
      "a file that is also a parent directory",
      [
        { name: "pkg", data: "1" },
        { name: "pkg/mod.py", data: "2" },
      ],
      "archive-file-dir-conflict",
      'The archive bomb.whl has both a file and a directory named "pkg" ("pkg/mod.py" is inside it)',
    ],
  ])("%s", async (_what, entries, code, message) => {
    const path = await zip(entries);
    let error: unknown;
    try {
      open(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArchiveEntryError);
    expect((error as ArchiveEntryError).code).toBe(code);
    expect((error as Error).message).toBe(message);
  });
});

describe("large archives", () => {
  test("an archive over 2 GiB (sparse on disk) opens, and an entry past 2 GiB streams", async () => {
    const size = 2 * 1024 ** 3 + 64 * 1024 ** 2;
    const path = await zip([
      { name: "pad.bin", sparseZeros: size },
      { name: "after.txt", data: "past 2 GiB\n" },
    ]);
    const z = ZipFile.open(path, { label: "big.whl" });
    try {
      expect(z.size).toBeGreaterThan(2 ** 31);
      const after = z.entries.find((e) => e.name === "after.txt")!;
      expect(after.localHeaderOffset).toBeGreaterThan(2 ** 31);
      const out = join(dir, "after.out");
      const fd = openSync(out, "w");
      const res = await z.streamTo(after, fd, "sha256");
      closeSync(fd);
      expect(readFileSync(out, "utf8")).toBe("past 2 GiB\n");
      expect(res.size).toBe(11);
    } finally {
      z.close();
    }
  }, 60_000);

  test("ZIP64: 70,000 entries (CPython's zipfile writes the ZIP64 end records)", async () => {
    const path = join(dir, "zip64.zip");
    execFileSync("/usr/bin/python3", [
      "-c",
      `import zipfile\nwith zipfile.ZipFile(${JSON.stringify(path)}, "w") as z:\n    for i in range(70000): z.writestr(f"f/{i}.txt", str(i))`,
    ]);
    const z = ZipFile.open(path);
    try {
      expect(z.entries).toHaveLength(70000);
      const last = z.entries.at(-1)!;
      expect(last.name).toBe("f/69999.txt");
      expect(z.readSmall(last).toString()).toBe("69999");
    } finally {
      z.close();
    }
  });
});
