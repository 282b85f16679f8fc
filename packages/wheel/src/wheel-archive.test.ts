import { strToU8, zipSync } from "fflate";
import { describe, expect, test } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findMetadataPath, readWheelMetadata, readWheelMetadataFile } from "./wheel-archive";

const METADATA = "Metadata-Version: 2.1\nName: Foo.Bar\nVersion: 1.0.0\n";

function wheel(names: string[]): Uint8Array {
  return zipSync(
    Object.fromEntries(names.map((name) => [name, strToU8(name.endsWith("METADATA") ? METADATA : name)])),
  );
}

describe("readWheelMetadata", () => {
  test.each([
    [
      "foo_bar-1.0.0-py3-none-any.whl",
      ["foo_bar/__init__.py", "foo_bar-1.0.0.dist-info/METADATA", "foo_bar-1.0.0.dist-info/RECORD"],
    ],
    // Old tools wrote the name and version un-normalized.
    ["foo_bar-1.0-py3-none-any.whl", ["Foo.Bar-1.0.0.dist-info/METADATA", "Foo.Bar-1.0.0.dist-info/WHEEL"]],
    // A .dist-info nested inside a package is not the wheel's own.
    [
      "foo_bar-1.0.0-py3-none-any.whl",
      ["foo_bar/_vendor/x-1.dist-info/METADATA", "foo_bar-1.0.0.dist-info/METADATA"],
    ],
  ])("%s with %j", (filename, names) => {
    expect(readWheelMetadata(wheel(names), filename)).toBe(METADATA);
    // The same from the file on disk, reading only the central directory and METADATA.
    const path = join(mkdtempSync(join(tmpdir(), "ls-wheel-meta-")), filename);
    writeFileSync(path, wheel(names));
    expect(readWheelMetadataFile(path, filename)).toBe(METADATA);
  });

  test.each([
    [
      "foo_bar-1.0.0-py3-none-any.whl",
      ["foo_bar/__init__.py"],
      "wheel-dist-info-missing",
      "The wheel foo_bar-1.0.0-py3-none-any.whl has no .dist-info directory",
    ],
    [
      "foo_bar-1.0.0-py3-none-any.whl",
      ["foo_bar-1.0.0.dist-info/METADATA", "other-2.0.dist-info/METADATA"],
      "wheel-dist-info-multiple",
      "The wheel foo_bar-1.0.0-py3-none-any.whl has 2 .dist-info directories: foo_bar-1.0.0.dist-info, other-2.0.dist-info",
    ],
    [
      "foo_bar-1.0.0-py3-none-any.whl",
      ["foo_bar-1.0.1.dist-info/METADATA"],
      "wheel-dist-info-mismatch",
      "The wheel foo_bar-1.0.0-py3-none-any.whl contains foo_bar-1.0.1.dist-info, expected foo_bar-1.0.0.dist-info",
    ],
    [
      "foo_bar-1.0.0-py3-none-any.whl",
      ["baz-1.0.0.dist-info/METADATA"],
      "wheel-dist-info-mismatch",
      "The wheel foo_bar-1.0.0-py3-none-any.whl contains baz-1.0.0.dist-info, expected foo_bar-1.0.0.dist-info",
    ],
    [
      "foo_bar-1.0.0-py3-none-any.whl",
      ["foo_bar-1.0.0.dist-info/RECORD"],
      "wheel-metadata-missing",
      "The wheel foo_bar-1.0.0-py3-none-any.whl has no foo_bar-1.0.0.dist-info/METADATA file",
    ],
  ])("%s with %j fails", (filename, names, code, message) => {
    let error: unknown;
    try {
      readWheelMetadata(wheel(names), filename);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code, message });
    // Only the missing METADATA entry needs the archive; the rest is decided from names alone.
    if (code !== "wheel-metadata-missing") expect(() => findMetadataPath(names, filename)).toThrow(message);
  });

  test("findMetadataPath works from central-directory names alone", () => {
    expect(findMetadataPath(["a/b.py", "Foo_Bar-1.0.dist-info/RECORD"], "foo.bar-1.0-py3-none-any.whl")).toBe(
      "Foo_Bar-1.0.dist-info/METADATA",
    );
  });
});
