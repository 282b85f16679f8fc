/**
 * METADATA read from a wheel on disk (a static mirror's wheel, streamed into the cache): only the
 * tail, the central directory and the one entry are read, so a wheel with a 1 GiB entry (a sparse
 * file here) costs what a small one does; what the directory declares is judged before reading.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { writeZipFile } from "@lockstep/wheel/testing";
import type { ZipFileEntry } from "@lockstep/wheel/testing";
import { metadataFromWheelFile } from "./wheel-metadata";

const WHEEL = "demo-1.0-py3-none-any.whl";
const METADATA = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\n";

async function wheel(entries: ZipFileEntry[]): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), "lockstep-wheel-metadata-")), WHEEL);
  await writeZipFile(path, entries);
  return path;
}

describe("metadataFromWheelFile", () => {
  test.each<[string, ZipFileEntry[]]>([
    [
      "deflated, after the code",
      [
        { name: "demo/__init__.py", data: "x = 1\n" },
        { name: "demo-1.0.dist-info/METADATA", data: METADATA },
      ],
    ],
    [
      "stored, first",
      [
        { name: "demo-1.0.dist-info/METADATA", data: METADATA, method: 0 },
        { name: "demo/a.py", data: "" },
      ],
    ],
    // 1 GiB of zeros before it, never read (a reader of the whole file would hold a gigabyte).
    [
      "after a 1 GiB entry",
      [
        { name: "demo/big.bin", sparseZeros: 1024 ** 3 },
        { name: "demo-1.0.dist-info/METADATA", data: METADATA },
      ],
    ],
  ])("%s", async (_label, entries) => {
    expect(metadataFromWheelFile(await wheel(entries), WHEEL, { maxMetadataBytes: 1024 })).toBe(METADATA);
  });

  test.each<[string, ZipFileEntry[], string]>([
    [
      "no METADATA",
      [{ name: "demo/__init__.py", data: "" }],
      `The wheel ${WHEEL} has no .dist-info/METADATA file`,
    ],
    [
      "two METADATA files",
      [
        { name: "demo-1.0.dist-info/METADATA", data: METADATA },
        { name: "other-1.0.dist-info/METADATA", data: METADATA },
      ],
      `The wheel ${WHEEL} has 2 .dist-info/METADATA files`,
    ],
    [
      "a METADATA declaring 2 GiB",
      [{ name: "demo-1.0.dist-info/METADATA", data: METADATA, declaredSize: 2 * 1024 ** 3 }],
      `The METADATA of ${WHEEL} is 2 GiB, more than the limit of 1 KiB; refusing it`,
    ],
    [
      "a METADATA over the cap",
      [{ name: "demo-1.0.dist-info/METADATA", data: METADATA + "x".repeat(4096), method: 0 }],
      `The METADATA of ${WHEEL} is 4.0 KiB, more than the limit of 1 KiB; refusing it`,
    ],
  ])("%s is refused", async (_label, entries, message) => {
    const path = await wheel(entries);
    expect(() => metadataFromWheelFile(path, WHEEL, { maxMetadataBytes: 1024 })).toThrow(message);
  });

  test("a central directory over its cap is refused before it is read", async () => {
    const path = await wheel([
      ...Array.from({ length: 50 }, (_, i) => ({ name: `demo/m${i}.py`, data: "" })),
      { name: "demo-1.0.dist-info/METADATA", data: METADATA },
    ]);
    expect(() => metadataFromWheelFile(path, WHEEL, { maxDirectoryBytes: 1000 })).toThrow(
      /^The central directory of demo-1\.0-py3-none-any\.whl is \d\.\d KiB, more than the limit of 1000 bytes; refusing it$/,
    );
  });
});
