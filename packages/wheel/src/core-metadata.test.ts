import { describe, expect, test } from "vitest";
import { formatCoreMetadata } from "./core-metadata-format";
import { CoreMetadataError, parseCoreMetadata } from "./core-metadata";
import type { CoreMetadata } from "./metadata-fields";

/** The parts of a CoreMetadata that a table can state plainly. */
function plain(meta: CoreMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (Array.isArray(value) && value.length === 0) continue;
    if (value === undefined) continue;
    out[key] =
      key === "requiresDist"
        ? (value as object[]).map(String)
        : typeof value === "object" && !Array.isArray(value)
          ? String(value)
          : value;
  }
  return out;
}

const lines = (...l: string[]) => l.join("\n");

describe("parseCoreMetadata, one table row per Metadata-Version", () => {
  test.each([
    [
      "1.0 with a legacy folded Description",
      lines(
        "Metadata-Version: 1.0",
        "Name: Old.Pkg",
        "Version: 0.1",
        "Summary: An old",
        "  package",
        "Description: First line",
        "       |",
        "       |    indented",
        "Platform: UNKNOWN",
        "",
      ),
      {
        metadataVersion: "1.0",
        name: "Old.Pkg",
        version: "0.1",
        summary: "An old package",
        description: "First line\n\n    indented",
        platforms: ["UNKNOWN"],
      },
    ],
    [
      "1.1 with classifiers and a legacy Requires",
      lines(
        "Metadata-Version: 1.1",
        "Name: pkg",
        "Version: 1.0",
        "Classifier: Programming Language :: Python",
        "Classifier: License :: OSI Approved :: MIT License",
        "Requires: re",
        "Download-URL: https://example.com/pkg.tar.gz",
        "",
      ),
      {
        metadataVersion: "1.1",
        name: "pkg",
        version: "1.0",
        classifiers: ["Programming Language :: Python", "License :: OSI Approved :: MIT License"],
        downloadUrl: "https://example.com/pkg.tar.gz",
        otherFields: [["Requires", "re"]],
      },
    ],
    [
      "1.2 with requirements, CRLF and an unusual header case",
      "Metadata-Version: 1.2\r\nName: pkg\r\nVersion: 1.0\r\nHome-Page: https://example.com\r\nRequires-Python: >=3.8\r\nRequires-Dist: attrs>=20\r\n",
      {
        metadataVersion: "1.2",
        name: "pkg",
        version: "1.0",
        homePage: "https://example.com",
        requiresPython: ">=3.8",
        requiresDist: ["attrs>=20"],
      },
    ],
    [
      "2.1 with the description as the body and extras normalized",
      lines(
        "Metadata-Version: 2.1",
        "Name: pkg",
        "Version: 2.0",
        "Provides-Extra: Socks_Proxy",
        "Provides-Extra: tests",
        "Description-Content-Type: text/markdown",
        "",
        "# pkg",
        "",
        "Body text.",
        "",
      ),
      {
        metadataVersion: "2.1",
        name: "pkg",
        version: "2.0",
        providesExtra: ["socks-proxy", "tests"],
        descriptionContentType: "text/markdown",
        description: "# pkg\n\nBody text.\n",
      },
    ],
    [
      "2.2 with Dynamic",
      lines(
        "Metadata-Version: 2.2",
        "Name: pkg",
        "Version: 1.0",
        "Dynamic: Requires-Dist",
        "Dynamic: license",
        "",
      ),
      { metadataVersion: "2.2", name: "pkg", version: "1.0", dynamic: ["Requires-Dist", "license"] },
    ],
    [
      "2.3 with a multi-line License",
      lines(
        "Metadata-Version: 2.3",
        "Name: pkg",
        "Version: 1.0",
        "License: Copyright (c) someone",
        "        ",
        "          Permission is granted.",
        "Author-email: A <a@example.com>",
        "",
      ),
      {
        metadataVersion: "2.3",
        name: "pkg",
        version: "1.0",
        license: "Copyright (c) someone\n\n  Permission is granted.",
        authorEmail: "A <a@example.com>",
      },
    ],
    [
      "2.4 with License-Expression and License-File",
      lines(
        "Metadata-Version: 2.4",
        "Name: pkg",
        "Version: 1.0",
        "License-Expression: MIT OR Apache-2.0",
        "License-File: LICENSE-MIT",
        "License-File: LICENSE-APACHE",
        "Project-URL: Source, https://example.com/src",
        "",
      ),
      {
        metadataVersion: "2.4",
        name: "pkg",
        version: "1.0",
        licenseExpression: "MIT OR Apache-2.0",
        licenseFiles: ["LICENSE-MIT", "LICENSE-APACHE"],
        projectUrls: ["Source, https://example.com/src"],
      },
    ],
    [
      "2.5, a newer minor, is read",
      lines("Metadata-Version: 2.5", "Name: pkg", "Version: 1.0", "Import-Name: pkg", ""),
      { metadataVersion: "2.5", name: "pkg", version: "1.0", otherFields: [["Import-Name", "pkg"]] },
    ],
    [
      "a repeated optional single-use field keeps its first value",
      lines("Metadata-Version: 2.1", "Name: pkg", "Version: 1.0", "Summary: one", "Summary: two", ""),
      { metadataVersion: "2.1", name: "pkg", version: "1.0", summary: "one" },
    ],
  ])("%s", (_, text, expected) => {
    expect(plain(parseCoreMetadata(text))).toEqual(expected);
  });
});

describe("parseCoreMetadata errors name the source and the line", () => {
  const src = "https://files.example/pkg-1.0-py3-none-any.whl.metadata";
  const head = "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n";
  test.each([
    [
      "Name: pkg\nVersion: 1.0\n",
      "metadata-missing-field",
      `${src}: The required field Metadata-Version is missing`,
    ],
    [
      "Metadata-Version: 3.0\nName: pkg\nVersion: 1.0\n",
      "metadata-unsupported-version",
      `${src}:1: Metadata-Version 3.0 is not supported (this reader knows up to 2.4)`,
    ],
    [
      "Metadata-Version: 2\nName: pkg\nVersion: 1.0\n",
      "metadata-invalid-field",
      `${src}:1: Metadata-Version "2" is not of the form MAJOR.MINOR`,
    ],
    [
      "Metadata-Version: 2.1\nVersion: 1.0\n",
      "metadata-missing-field",
      `${src}: The required field Name is missing`,
    ],
    [
      "Metadata-Version: 2.1\nName: pkg\n",
      "metadata-missing-field",
      `${src}: The required field Version is missing`,
    ],
    [
      "Metadata-Version: 2.1\nName: -pkg\nVersion: 1.0\n",
      "metadata-invalid-field",
      `${src}:2: Name "-pkg" is not a valid package name`,
    ],
    [
      "Metadata-Version: 2.1\nName: pkg\nVersion: one\n",
      "metadata-invalid-field",
      `${src}:3: Version "one" is not a valid PEP 440 version`,
    ],
    [
      head + "Version: 1.1\n",
      "metadata-duplicate-field",
      `${src}:4: Version is given twice (first on line 3)`,
    ],
    [
      head + "Requires-Dist: ok\nRequires-Dist: foo >=\n",
      "metadata-invalid-field",
      `${src}:5: Requires-Dist "foo >=" is not a valid requirement`,
    ],
    [
      head + "Requires-Python: >=3.x\n",
      "metadata-invalid-field",
      `${src}:4: Requires-Python ">=3.x" is not a valid version specifier set`,
    ],
    [head + "Dynamic: Version\n", "metadata-invalid-field", `${src}:4: Version cannot be Dynamic`],
    [head + "Dynamic: name\n", "metadata-invalid-field", `${src}:4: name cannot be Dynamic`],
    [
      head + "this is not a header\n",
      "metadata-invalid-header",
      `${src}:4: Expected a header like "Name: value", found "this is not a header"`,
    ],
    [
      " continued\n" + head,
      "metadata-invalid-header",
      `${src}:1: A continuation line comes before any header: " continued"`,
    ],
    [
      "Metadata-Version: 2.3\nName: pkg\nVersion: 1.0\nProvides-Extra: a b\n",
      "metadata-invalid-field",
      `${src}:4: Provides-Extra "a b" is not a valid extra name`,
    ],
  ])("%j", (text, code, message) => {
    let error: unknown;
    try {
      parseCoreMetadata(text, src);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CoreMetadataError);
    expect(error).toMatchObject({ code, path: src, message });
  });

  test("the requirement's own parse error is kept as the cause", () => {
    try {
      parseCoreMetadata(head + "Requires-Dist: foo >=\n", src);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });

  test("an invalid extra name before 2.3 is tolerated and normalized", () => {
    expect(parseCoreMetadata(head + "Provides-Extra: A_B\n").providesExtra).toEqual(["a-b"]);
  });

  test("the default source is METADATA", () => {
    expect(() => parseCoreMetadata("Name: x\n")).toThrow(
      "METADATA: The required field Metadata-Version is missing",
    );
  });
});

describe("formatCoreMetadata", () => {
  test.each([
    [
      lines(
        "Metadata-Version: 2.4",
        "Name: Pkg",
        "Version: 1.0rc1",
        "Dynamic: Classifier",
        "Summary: A package",
        "Description-Content-Type: text/markdown",
        "Author-email: A <a@example.com>",
        "License: line one",
        "        line two",
        "License-Expression: MIT",
        "Classifier: Programming Language :: Python :: 3",
        "Requires-Dist: attrs>=20",
        "Requires-Python: >=3.9",
        "Provides-Extra: socks",
        "Import-Name: pkg",
        "",
        "# Pkg",
        "",
      ),
    ],
    [lines("Metadata-Version: 2.1", "Name: pkg", "Version: 1.0", "")],
    [
      lines(
        "Metadata-Version: 1.0",
        "Name: pkg",
        "Version: 1.0",
        "Description: one",
        "       |",
        "       |two",
        "",
      ),
    ],
  ])("round-trips %j", (text) => {
    expect(formatCoreMetadata(parseCoreMetadata(text))).toBe(text);
  });

  test("writes fields in the specification's order whatever the input order", () => {
    const text = lines(
      "Requires-Dist: b",
      "Version: 2",
      "Summary: s",
      "Requires-Dist: a",
      "Name: z",
      "Metadata-Version: 2.1",
      "",
    );
    expect(formatCoreMetadata(parseCoreMetadata(text))).toBe(
      lines(
        "Metadata-Version: 2.1",
        "Name: z",
        "Version: 2",
        "Summary: s",
        "Requires-Dist: b",
        "Requires-Dist: a",
        "",
      ),
    );
  });

  test("a line break in a single-line field is refused", () => {
    const meta = parseCoreMetadata(lines("Metadata-Version: 2.1", "Name: pkg", "Version: 1.0", ""));
    expect(() => formatCoreMetadata({ ...meta, summary: "two\nlines" })).toThrow(
      'Summary "two\\nlines" contains a line break',
    );
  });
});
