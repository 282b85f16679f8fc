import { describe, expect, test } from "vitest";
import { InvalidLockError } from "./errors";
import { readLock } from "./read-lock";

/** The rendered problems of an invalid lock (the test fails if the lock is valid). */
function problems(text: string): string {
  try {
    readLock(text);
  } catch (e) {
    if (e instanceof InvalidLockError) return e.message;
    throw e;
  }
  throw new Error("expected the lock to be invalid");
}

const HEAD = `lock-version = "1.0"\ncreated-by = "test"\n`;
const WHEEL = `[[packages.wheels]]\nname = "a-1.0-py3-none-any.whl"\nurl = "https://x.example/a-1.0-py3-none-any.whl"\nhashes = { sha256 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }\n`;

describe("validation (one PEP 751 rule each)", () => {
  test.each([
    ["missing lock-version", `created-by = "t"\npackages = []\n`],
    [
      "unsupported major version (the only problem reported)",
      `lock-version = "2.0"\ncreated-by = "t"\n[[packages]]\n`,
    ],
    ["missing created-by and packages", `lock-version = "1.0"\n`],
    ["package without name", `${HEAD}\n[[packages]]\nversion = "1.0"\n${WHEEL}`],
    ["package from wheels without version", `${HEAD}\n[[packages]]\nname = "a"\n${WHEEL}`],
    [
      "dependency pointing to no package entry",
      `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\ndependencies = [\n    { name = "b" },\n    { name = "c", version = "2.0" },\n]\n${WHEEL}\n[[packages]]\nname = "c"\nversion = "1.0"\narchive = { url = "https://x.example/c.zip", hashes = { sha256 = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" } }\n`,
    ],
    [
      "two entries of one name with overlapping markers",
      `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\nmarker = "python_version < '3.11'"\n${WHEEL}\n[[packages]]\nname = "a"\nversion = "2.0"\nmarker = "python_version >= '3.10'"\n${WHEEL}\n[[packages]]\nname = "b"\nversion = "1.0"\nmarker = "sys_platform == 'linux'"\nsdist = { url = "https://x.example/b-1.0.tar.gz", hashes = { sha256 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" } }\n[[packages]]\nname = "b"\nversion = "2.0"\nmarker = "sys_platform != 'linux'"\nsdist = { url = "https://x.example/b-2.0.tar.gz", hashes = { sha256 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" } }\n`,
    ],
    [
      "ambiguous dependency",
      `${HEAD}\n[[packages]]\nname = "x"\nversion = "1.0"\ndependencies = [{ name = "a" }]\n${WHEEL.replace("a-1.0", "x-1.0").replace("a-1.0", "x-1.0")}\n[[packages]]\nname = "a"\nversion = "1.0"\nmarker = "extra == 'p'"\n${WHEEL}\n[[packages]]\nname = "a"\nversion = "2.0"\nmarker = "extra == 'q'"\n${WHEEL}`,
    ],
    [
      "wheel and sdist without hashes",
      `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\nsdist = { name = "a-1.0.tar.gz", url = "https://x.example/a-1.0.tar.gz", hashes = {} }\n\n[[packages.wheels]]\nname = "a-1.0-py3-none-any.whl"\nurl = "https://x.example/a-1.0-py3-none-any.whl"\n`,
    ],
    [
      "archive and wheel without url or path",
      `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\narchive = { hashes = { sha256 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } }\n\n[[packages]]\nname = "b"\nversion = "1.0"\nwheels = [\n  { name = "b-1.0-py3-none-any.whl", hashes = { sha256 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" } },\n]\n`,
    ],
    [
      "invalid marker, requires-python and version strings",
      `lock-version = "1.0"\ncreated-by = "t"\nrequires-python = ">=3.x"\nenvironments = ["sys_platform = 'linux'"]\n\n[[packages]]\nname = "a"\nversion = "one"\nmarker = "python_version >> '3'"\n${WHEEL}`,
    ],
    [
      "more than one source",
      `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\ndirectory = { path = "a" }\nvcs = { type = "git", url = "https://x.example/a.git", commit-id = "abc" }\n`,
    ],
    ["no source", `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\n`],
    [
      "vcs without commit-id",
      `${HEAD}\n[[packages]]\nname = "a"\nvcs = { type = "git", url = "https://x.example/a.git" }\n`,
    ],
    ["invalid TOML", `${HEAD}\n[[packages]]\nname = "a\n`],
  ])("%s", (_name, text) => {
    expect(problems(text)).toMatchSnapshot();
  });

  test("every problem is reported at once, with path and line", () => {
    const text = `lock-version = "1.0"\n\n[[packages]]\nname = "a"\n\n[[packages.wheels]]\nname = "a-1.0-py3-none-any.whl"\n\n[[packages]]\nname = "a b"\n`;
    let error: unknown;
    try {
      readLock(text, "sub/pylock.dev.toml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidLockError);
    const e = error as InvalidLockError;
    expect(e.problems.map((p) => [p.line, p.code])).toEqual([
      [undefined, "lock-invalid"],
      [6, "lock-invalid"],
      [6, "lock-invalid"],
      [3, "lock-invalid"],
      [10, "lock-invalid"],
    ]);
    expect(e.render()).toMatchSnapshot();
  });
});

describe("hashes (issue 13: a digest names a cache path)", () => {
  const lockWith = (hashes: string) =>
    `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\n\n[[packages.wheels]]\nname = "a-1.0-py3-none-any.whl"\nurl = "https://x.example/a-1.0-py3-none-any.whl"\nhashes = ${hashes}\n`;
  const at = "pylock.toml:8: package `a 1.0`: wheel `a-1.0-py3-none-any.whl`: ";

  test.each([
    ['{ sha256 = "../../../tmp/x" }', 'the sha256 digest "../../../tmp/x" is not hexadecimal'],
    [`{ sha256 = "${"a".repeat(63)}" }`, `the sha256 digest "${"a".repeat(63)}" has 63 hex digits, not 64`],
    [`{ sha512 = "${"a".repeat(64)}" }`, `the sha512 digest "${"a".repeat(64)}" has 64 hex digits, not 128`],
    ['{ crc32 = "00000000" }', 'unknown hash algorithm "crc32"'],
    [`{ sha256 = "${"a".repeat(64)}", md5 = "zz" }`, 'the md5 digest "zz" is not hexadecimal'],
  ])("hashes = %s is refused with its line", (hashes, reason) => {
    expect(problems(lockWith(hashes))).toBe(
      `pylock.toml is not a valid PEP 751 lock file:\n  ${at}${reason}`,
    );
  });

  test.each([
    [
      'name = "1/../../x"',
      '`1/../../x`: The wheel filename "1/../../x" is invalid: Must be one file name, but contains a path separator',
    ],
    [
      'name = "a-1.0-1/../../x-py3-none-any.whl"',
      '`a-1.0-1/../../x-py3-none-any.whl`: The wheel filename "a-1.0-1/../../x-py3-none-any.whl" is invalid: Must be one file name, but contains a path separator',
    ],
    [
      'name = "/tmp/a-1.0-py3-none-any.whl"',
      '`/tmp/a-1.0-py3-none-any.whl`: The wheel filename "/tmp/a-1.0-py3-none-any.whl" is invalid: Must be one file name, but contains a path separator',
    ],
    [
      'url = "https://x.example/..%2F..%2Fa-1.0-py3-none-any.whl"',
      '`../../a-1.0-py3-none-any.whl`: The wheel filename "../../a-1.0-py3-none-any.whl" is invalid: Must be one file name, but contains a path separator',
    ],
    [
      'url = "https://x.example/a-1.0%E0%A4%A-py3-none-any.whl"',
      '`(unnamed wheel)`: the file name in `url` "https://x.example/a-1.0%E0%A4%A-py3-none-any.whl" has a malformed percent-escape',
    ],
    [
      'url = "https://x.example/a-1.0.zip"',
      '`a-1.0.zip`: The wheel filename "a-1.0.zip" is invalid: Must end with .whl',
    ],
  ])("a wheel whose %s would not be one file in the cache is refused with its line", (entry, reason) => {
    const text = `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\n\n[[packages.wheels]]\n${entry}\nhashes = { sha256 = "${"a".repeat(64)}" }\n`;
    const withUrl = entry.startsWith("url")
      ? text
      : text.replace("\nhashes", '\nurl = "https://x.example/w"\nhashes');
    expect(problems(withUrl)).toBe(
      `pylock.toml is not a valid PEP 751 lock file:\n  pylock.toml:8: package \`a 1.0\`: wheel ${reason}`,
    );
  });

  test.each([
    [
      '{ name = "../x.tar.gz", url = "https://x.example/s" }',
      '`../x.tar.gz`: The source distribution filename "../x.tar.gz" is invalid: Must be one file name, but contains a path separator',
    ],
    [
      '{ url = "https://x.example/a%2F..%2F..%2Fx-1.0.tar.bz2" }',
      '`a/../../x-1.0.tar.bz2`: the file name "a/../../x-1.0.tar.bz2" contains a path separator',
    ],
    ['{ path = "dist/.." }', '`..`: the file name ".." starts with a dot'],
  ])("an sdist %s is refused with its line", (sdist, reason) => {
    const text = `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\nsdist = ${sdist.replace(" }", `, hashes = { sha256 = "${"a".repeat(64)}" } }`)}\n`;
    expect(problems(text)).toBe(
      `pylock.toml is not a valid PEP 751 lock file:\n  pylock.toml:7: package \`a 1.0\`: sdist ${reason}`,
    );
  });

  test("sdist names other tools write are read: legacy formats, names with dots and dashes", () => {
    const sdist = (name: string) =>
      `${HEAD}\n[[packages]]\nname = "a"\nversion = "1.0"\nsdist = { url = "https://x.example/${name}", hashes = { sha256 = "${"a".repeat(64)}" } }\n`;
    for (const name of [
      "zope.interface-5.0.tar.gz",
      "python-dateutil-2.8.2.tar.gz",
      "Django-1.0.zip",
      "old-1.0.tar.bz2",
    ])
      expect(readLock(sdist(name)).packages[0]?.source).toMatchObject({ sdist: { name } });
  });

  test("hex of the right length in any case is read, lower-cased", () => {
    const lock = readLock(lockWith(`{ SHA256 = "${"AB".repeat(32)}" }`));
    const source = lock.packages[0]?.source;
    expect(source?.kind === "files" ? source.wheels[0]?.hashes : undefined).toEqual({
      sha256: "ab".repeat(32),
    });
  });
});
