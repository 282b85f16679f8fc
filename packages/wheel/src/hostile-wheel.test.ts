/**
 * Hostile wheels, generated on disk: names that try to leave their directory (zip entries, RECORD
 * rows, `.data/<scheme>` paths, console script names, a symlinked directory in the target), bombs
 * (overlapping entries, a lying size) and ambiguous archives (a file and a directory of one name).
 * Each is refused with an error naming the wheel and the entry, and nothing is written outside the
 * target nor left in the cache.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { variedBytes, writeWheelFile, zeroBytes } from "../testing";
import type { WheelFileSpec } from "../testing";
import { installUnpacked } from "./install";
import type { WheelScheme } from "./install";
import { unpackWheel, WheelInvalidError } from "./install-unpack";
import { recordHash } from "./record";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

function scheme(base: string): WheelScheme {
  const s = {
    purelib: join(base, "venv/lib/python3/site-packages"),
    platlib: join(base, "venv/lib/python3/site-packages"),
    scripts: join(base, "venv/bin"),
    headers: join(base, "venv/include/evil"),
    data: join(base, "venv"),
  };
  mkdirSync(s.purelib, { recursive: true });
  mkdirSync(s.scripts, { recursive: true });
  return s;
}

/** Every file and directory below `dir`, relative. */
function walk(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? [`${prefix}${d.name}/`, ...walk(join(dir, d.name), `${prefix}${d.name}/`)]
      : [`${prefix}${d.name}`],
  );
}

async function unpackError(spec: WheelFileSpec): Promise<{ error: unknown; cache: string }> {
  const base = tmp("ls-hostile-");
  const wheel = await writeWheelFile(base, spec);
  const cache = join(base, "cache");
  try {
    await unpackWheel(wheel, cache);
  } catch (error) {
    return { error, cache };
  }
  throw new Error("the wheel was accepted");
}

const ok = { name: "evil/__init__.py", data: "" };

describe("names that try to leave the unpack directory", () => {
  test.each<[string, WheelFileSpec, string]>([
    [
      "a console script name with ..",
      {
        name: "evil",
        version: "1.0",
        files: [ok],
        entryPoints: "[console_scripts]\n../../../../tmp/x = os:getcwd\n",
      },
      'Refusing the console_scripts entry point "../../../../tmp/x = os:getcwd" in evil-1.0.dist-info/entry_points.txt: a script name must be one file name of letters, digits and . _ + - (not starting with . + or -)',
    ],
    [
      "a gui script name with a slash",
      { name: "evil", version: "1.0", files: [ok], entryPoints: "[gui_scripts]\nsub/x = os:getcwd\n" },
      'Refusing the gui_scripts entry point "sub/x = os:getcwd" in evil-1.0.dist-info/entry_points.txt: a script name must be one file name of letters, digits and . _ + - (not starting with . + or -)',
    ],
    [
      "an entry with ..",
      { name: "evil", version: "1.0", files: [ok, { name: "evil/../../x", data: "" }] },
      "evil/../../x: the path escapes the target directory (..)",
    ],
    [
      "an absolute entry",
      { name: "evil", version: "1.0", files: [ok, { name: "/tmp/x", data: "" }] },
      "/tmp/x: the path is absolute",
    ],
    [
      "a drive letter",
      { name: "evil", version: "1.0", files: [ok, { name: "C:/x", data: "" }] },
      "C:/x: the path is absolute",
    ],
    [
      "a backslash",
      { name: "evil", version: "1.0", files: [ok, { name: "evil\\..\\..\\x", data: "" }] },
      "evil\\..\\..\\x: the path contains a backslash",
    ],
    [
      "a NUL byte",
      { name: "evil", version: "1.0", files: [ok, { name: "evil/x\0.py", data: "" }] },
      "evil/x\0.py: the path contains a NUL byte",
    ],
    [
      "a .data path with ..",
      { name: "evil", version: "1.0", files: [ok, { name: "evil-1.0.data/scripts/../../x", data: "" }] },
      "evil-1.0.data/scripts/../../x: the path escapes the target directory (..)",
    ],
    [
      "a RECORD row with ..",
      {
        name: "evil",
        version: "1.0",
        files: [ok],
        record: `evil/__init__.py,${recordHash("")},0\n../../x,${recordHash("")},0\n`,
      },
      "../../x: the RECORD row's path escapes the target directory (..)",
    ],
    [
      "METADATA naming another distribution",
      {
        name: "evil",
        version: "1.0",
        files: [ok],
        metadata: "Metadata-Version: 2.1\nName: requests\nVersion: 99.0\n",
      },
      "evil-1.0.dist-info/METADATA: says requests 99.0, the file name says evil 1.0",
    ],
    [
      "a .dist-info that is not the wheel's",
      { name: "evil", version: "1.0", files: [ok, { name: "other-2.0.dist-info/METADATA", data: "" }] },
      "The wheel evil-1.0-py3-none-any.whl has 2 .dist-info directories: evil-1.0.dist-info, other-2.0.dist-info",
    ],
  ])("%s", async (_what, spec, problem) => {
    const { error, cache } = await unpackError(spec);
    expect(error).toBeInstanceOf(WheelInvalidError);
    expect((error as WheelInvalidError).problems).toContain(problem);
    expect((error as Error).message.split("\n")[0]).toMatch(
      /^The wheel evil-1\.0-py3-none-any\.whl is invalid/,
    );
    expect(walk(cache)).toEqual([]);
  });
});

describe("bombs and ambiguous archives leave nothing in the cache", () => {
  test.each<[string, WheelFileSpec, string]>([
    [
      "1000 entries sharing one local header",
      {
        name: "evil",
        version: "1.0",
        files: [ok, { name: "evil/payload.bin", data: Buffer.alloc(4096, 1) }],
        zip: { aliases: { of: 1, names: Array.from({ length: 1000 }, (_, i) => `evil/copy${i}.bin`) } },
      },
      'The archive evil-1.0-py3-none-any.whl has overlapping entries: the data of "evil/payload.bin"',
    ],
    [
      "a file and a directory of one name",
      {
        name: "evil",
        version: "1.0",
        files: [ok, { name: "evil/x", data: "1" }, { name: "evil/x/y", data: "2" }],
      },
      'The archive evil-1.0-py3-none-any.whl has both a file and a directory named "evil/x" ("evil/x/y" is inside it)',
    ],
    [
      "a small entry larger than declared (inflated in one call)",
      {
        name: "evil",
        version: "1.0",
        files: [
          ok,
          { name: "evil/big.bin", chunks: () => zeroBytes(3 * 1024 * 1024), declaredSize: 1024 * 1024 },
        ],
      },
      'The archive evil-1.0-py3-none-any.whl has an entry "evil/big.bin" that inflates to more than the 1048576 bytes its central directory record declares',
    ],
    [
      "a large entry larger than declared (streamed)",
      {
        name: "evil",
        version: "1.0",
        files: [
          ok,
          {
            name: "evil/big.bin",
            chunks: () => variedBytes(3, 3 * 1024 * 1024),
            declaredSize: 2 * 1024 * 1024,
          },
        ],
      },
      'The archive evil-1.0-py3-none-any.whl has an entry "evil/big.bin" that inflates to more than the 2097152 bytes its central directory record declares',
    ],
  ])("%s", async (_what, spec, message) => {
    const { error, cache } = await unpackError(spec);
    expect((error as Error).message).toContain(message);
    expect(walk(cache).filter((p) => !p.endsWith("/"))).toEqual([]);
  });
});

test.each(["../../../tmp/x", "a".repeat(63), `${"a".repeat(64)}/..`, "g".repeat(64)])(
  "a sha256 that is not 64 hex digits never becomes a cache path: %j",
  async (sha256) => {
    const base = tmp("ls-bad-sha-");
    const wheel = await writeWheelFile(base, { name: "good", version: "1.0", files: [ok] });
    await expect(unpackWheel(wheel, join(base, "cache"), { sha256 })).rejects.toThrow(
      `Not a sha256 digest: ${JSON.stringify(sha256)}`,
    );
    expect(walk(base)).toEqual(["good-1.0-py3-none-any.whl"]);
  },
);

describe("installing from a cache that was tampered with", () => {
  async function unpacked(base: string): Promise<string> {
    const wheel = await writeWheelFile(base, {
      name: "evil",
      version: "1.0",
      files: [ok],
      entryPoints: "[console_scripts]\nevil = evil:main\n",
    });
    return unpackWheel(wheel, join(base, "cache"));
  }

  test.each<[string, (dir: string) => void, string]>([
    [
      "a script name with .. added to entry_points.txt",
      (dir) => appendFileSync(join(dir, "evil-1.0.dist-info/entry_points.txt"), "../../pwned = os:getcwd\n"),
      'Refusing the console_scripts entry point "../../pwned = os:getcwd" in evil-1.0.dist-info/entry_points.txt',
    ],
    [
      "a .data row with .. added to RECORD",
      (dir) =>
        appendFileSync(join(dir, "evil-1.0.dist-info/RECORD"), "evil-1.0.data/scripts/../../../pwned,,\n"),
      'evil-1.0.dist-info/RECORD: evil-1.0.data/scripts/../../../pwned: the path "evil-1.0.data/scripts/../../../pwned" escapes the target directory (..)',
    ],
  ])("%s", async (_what, tamper, message) => {
    const base = tmp("ls-tamper-");
    const dir = await unpacked(base);
    tamper(dir);
    const s = scheme(base);
    expect(() => installUnpacked(dir, s, { python: "/usr/bin/python3" })).toThrow(message);
    expect(existsSync(join(base, "pwned"))).toBe(false);
    expect(walk(join(base, "venv"))).toEqual(["bin/", "lib/", "lib/python3/", "lib/python3/site-packages/"]);
  });

  test("a symlinked package directory that leads out of site-packages is refused", async () => {
    const base = tmp("ls-symlink-");
    const dir = await unpacked(base);
    const s = scheme(base);
    const outside = join(base, "outside");
    mkdirSync(outside);
    symlinkSync(outside, join(s.purelib, "evil"));
    expect(() => installUnpacked(dir, s, { python: "/usr/bin/python3" })).toThrow(
      /^evil-1\.0\.dist-info\/RECORD: evil\/__init__\.py: ".*\/site-packages\/evil" leads to ".*\/outside", outside purelib/,
    );
    expect(readdirSync(outside)).toEqual([]);
  });
});

test("a good wheel of the same shape installs (the refusals above are not blanket ones)", async () => {
  const base = tmp("ls-good-");
  const wheel = await writeWheelFile(base, {
    name: "good",
    version: "1.0",
    files: [
      { name: "good/__init__.py", data: "x = 1\n" },
      { name: "good-1.0.data/scripts/tool", data: "#!/bin/sh\n" },
    ],
    entryPoints: "[console_scripts]\ngood-cli = good:main\npip3.12 = good:main\n",
  });
  const s = scheme(base);
  installUnpacked(await unpackWheel(wheel, join(base, "cache")), s, { python: "/usr/bin/python3" });
  expect(readdirSync(s.scripts).sort()).toEqual(["good-cli", "pip3.12", "tool"]);
  expect(readFileSync(join(s.purelib, "good/__init__.py"), "utf8")).toBe("x = 1\n");
  writeFileSync(join(base, "done"), "");
});
