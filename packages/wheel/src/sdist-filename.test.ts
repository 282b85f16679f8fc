import { describe, expect, test } from "vitest";
import { SdistFilename } from "./sdist-filename";

describe("SdistFilename.parse", () => {
  test.each([
    // filename, expected name given, name, version, extension, written back
    ["foo-1.0.tar.gz", undefined, "foo", "1.0", "tar.gz", "foo-1.0.tar.gz"],
    ["Foo_Bar-2.0rc1.zip", undefined, "foo-bar", "2.0rc1", "zip", "foo_bar-2.0rc1.zip"],
    ["foo-bar-1.0.tar.gz", undefined, "foo-bar", "1.0", "tar.gz", "foo_bar-1.0.tar.gz"],
    // Without the name, the leftmost valid split wins: `1.0-1` is a post release.
    ["foo-1.0-1.tar.gz", undefined, "foo", "1.0.post1", "tar.gz", "foo-1.0.post1.tar.gz"],
    // With the name, the split is exact even where the heuristic would differ.
    ["foo-1.0-1.tar.gz", "foo-1.0", "foo-1-0", "1", "tar.gz", "foo_1_0-1.tar.gz"],
    ["Django-REST-framework-3.15.tar.gz", "djangorestframework", undefined, undefined, undefined, undefined],
    [
      "django-rest-framework-3.15.tar.gz",
      "Django_Rest.Framework",
      "django-rest-framework",
      "3.15",
      "tar.gz",
      "django_rest_framework-3.15.tar.gz",
    ],
  ])("%s (expecting %s)", (filename, expected, name, version, extension, written) => {
    const sdist = SdistFilename.tryParse(filename, expected);
    if (name === undefined) {
      expect(sdist).toBeUndefined();
      return;
    }
    expect(sdist?.name).toBe(name);
    expect(sdist?.version.toString()).toBe(version);
    expect(sdist?.extension).toBe(extension);
    expect(sdist?.toString()).toBe(written);
  });

  test.each([
    ["foo-1.0.tar.bz2", undefined, "Must end with .tar.gz or .zip", "       ^^^^^^^^"],
    ["foo.tar.gz", undefined, "Must have a version", "   ^"],
    ["foo-bar.tar.gz", undefined, 'The version "bar" is not a valid PEP 440 version', "    ^^^"],
    ["foo-1.0.zip", "bar", 'Does not start with the package name "bar"', "^^^"],
    ["foo-1.x.zip", "foo", 'The version "1.x" is not a valid PEP 440 version', "    ^^^"],
    // Hostile names from an index (issue 13).
    ["../../foo-1.0.tar.gz", "foo", "Must be one file name, but contains a path separator", "  ^"],
    ["..\\foo-1.0.tar.gz", undefined, "Must be one file name, but contains a path separator", "  ^"],
    ["foo-1.0\u0000.tar.gz", "foo", "Must be one file name, but contains a control character", "       ^"],
    ["..-1.0.tar.gz", undefined, 'The version "1.0" is not a valid PEP 440 version', "   ^^^"],
  ])("%s (expecting %s) is invalid", (filename, expected, reason, caret) => {
    let error: unknown;
    try {
      SdistFilename.parse(filename, expected);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "sdist-filename-invalid", reason });
    expect((error as Error).message).toBe(
      `The source distribution filename ${JSON.stringify(filename)} is invalid: ${reason}\n${filename}\n${caret}`,
    );
  });
});
