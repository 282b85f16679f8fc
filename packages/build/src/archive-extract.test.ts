import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeZipFile } from "@lockstep/wheel/testing";
import { ArchiveError, DEFAULT_SDIST_LIMITS, extractSdist } from "./archive-extract";
import { readTar } from "./tar-reader";

interface Spec {
  path: string;
  type?: "0" | "5" | "2" | "1" | "3";
  data?: string;
  link?: string;
  mode?: number;
  /** Write the path in a PAX record (long names). */
  pax?: boolean;
}

const enc = new TextEncoder();

/** A tar with the entry types under test (the fixture writer makes only files and directories). */
function tar(specs: Spec[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const header = (name: string, type: string, size: number, mode: number, link = ""): Uint8Array => {
    const h = new Uint8Array(512);
    const put = (at: number, text: string) => h.set(enc.encode(text), at);
    put(0, name.slice(0, 99));
    put(100, `${mode.toString(8).padStart(7, "0")}\0`);
    put(124, `${size.toString(8).padStart(11, "0")}\0`);
    put(136, "00000000000\0");
    put(156, type);
    put(157, link);
    put(257, "ustar\0" + "00");
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    put(148, `${sum.toString(8).padStart(6, "0")}\0 `);
    return h;
  };
  const pad = (data: Uint8Array) => {
    const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
    out.set(data);
    return out;
  };
  for (const s of specs) {
    const data = enc.encode(s.data ?? "");
    if (s.pax) {
      const body = ` path=${s.path}\n`;
      let len = body.length + 2;
      while (String(len).length + body.length !== len) len++;
      const record = enc.encode(`${len}${body}`);
      blocks.push(header("PaxHeader", "x", record.length, 0o644), pad(record));
    }
    const type = s.type ?? "0";
    blocks.push(
      header(
        s.pax ? "truncated-name" : s.path,
        type,
        type === "0" ? data.length : 0,
        s.mode ?? 0o644,
        s.link ?? "",
      ),
    );
    if (type === "0") blocks.push(pad(data));
  }
  blocks.push(new Uint8Array(1024));
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "lockstep-extract-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function archive(specs: Spec[], name = "pkg-1.0.tar.gz"): string {
  const path = join(dir, `${++n}-${name}`);
  writeFileSync(path, gzipSync(tar(specs)));
  return path;
}
const dest = () => join(dir, `out-${++n}`);

describe("extractSdist", () => {
  test("unpacks files, modes, long names, safe links, and returns the top directory", () => {
    const long = `pkg-1.0/${"deep/".repeat(30)}file.txt`;
    const path = archive([
      { path: "pkg-1.0/", type: "5" },
      { path: "pkg-1.0/pyproject.toml", data: "[build-system]\n" },
      { path: "./pkg-1.0/run.sh", data: "#!/bin/sh\n", mode: 0o755 },
      { path: long, data: "deep", pax: true },
      { path: "pkg-1.0/link.toml", type: "2", link: "pyproject.toml" },
      { path: "pkg-1.0/hard.toml", type: "1", link: "pkg-1.0/pyproject.toml" },
    ]);
    const out = dest();
    const top = extractSdist(path, out);
    expect(top).toBe(join(out, "pkg-1.0"));
    expect(readFileSync(join(top, "pyproject.toml"), "utf8")).toBe("[build-system]\n");
    expect(lstatSync(join(top, "run.sh")).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(out, long), "utf8")).toBe("deep");
    expect(readlinkSync(join(top, "link.toml"))).toBe("pyproject.toml");
    expect(readFileSync(join(top, "hard.toml"), "utf8")).toBe("[build-system]\n");
  });

  test.each([
    [
      "an absolute path",
      [{ path: "/etc/evil", data: "x" }],
      'refusing to extract "/etc/evil": the path is absolute',
    ],
    [
      "a .. segment",
      [{ path: "pkg-1.0/../../evil", data: "x" }],
      'refusing to extract "pkg-1.0/../../evil": the path contains ".."',
    ],
    [
      "a backslash",
      [{ path: "pkg-1.0\\..\\evil", data: "x" }],
      'refusing to extract "pkg-1.0\\\\..\\\\evil": the path contains a backslash',
    ],
    [
      "a symlink out of the tree",
      [{ path: "pkg-1.0/up", type: "2", link: "../../etc" }],
      'refusing to extract "pkg-1.0/up": the link target "../../etc" is outside the archive\'s top directory',
    ],
    [
      "an absolute symlink",
      [{ path: "pkg-1.0/etc", type: "2", link: "/etc" }],
      'refusing to extract "pkg-1.0/etc": the link target "/etc" is absolute',
    ],
    [
      "a file written through a symlink",
      [
        { path: "pkg-1.0/sub/", type: "5" },
        { path: "pkg-1.0/alias", type: "2", link: "sub" },
        { path: "pkg-1.0/alias/x", data: "x" },
      ],
      'refusing to extract "pkg-1.0/alias/x": a parent directory is a symbolic link',
    ],
    [
      "a hard link to something not extracted",
      [{ path: "pkg-1.0/h", type: "1", link: "pkg-1.0/nothing" }],
      'refusing to extract "pkg-1.0/h": the hard link target "pkg-1.0/nothing" is not a file extracted before it',
    ],
    [
      "a device",
      [{ path: "pkg-1.0/tty", type: "3" }],
      'refusing to extract "pkg-1.0/tty": it is not a file, directory or link',
    ],
  ] as [string, Spec[], string][])("refuses %s, writing nothing", (_, specs, reason) => {
    const out = dest();
    const path = archive([{ path: "pkg-1.0/ok.txt", data: "ok" }, ...specs]);
    let error: unknown;
    try {
      extractSdist(path, out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).code).toBe("archive-unsafe");
    expect((error as ArchiveError).message).toBe(`${basename(path)}: ${reason}`);
    expect(existsSync(out)).toBe(false);
  });

  test.each([
    [
      [
        { path: "a-1.0/x", data: "" },
        { path: "b-1.0/y", data: "" },
      ],
      'expected a single top-level directory, found "a-1.0", "b-1.0"',
    ],
    [[{ path: "setup.py", data: "" }], 'expected a single top-level directory, found "setup.py"'],
    [[], "expected a single top-level directory, found nothing"],
  ] as [Spec[], string][])("requires one top directory (%#)", (specs, reason) => {
    const path = archive(specs);
    expect(() => extractSdist(path, dest())).toThrow(`${n}-pkg-1.0.tar.gz: ${reason}`);
  });

  test("zip sdists too", () => {
    const path = join(dir, "z-1.0.zip");
    writeFileSync(
      path,
      zipSync({ "z-1.0/pyproject.toml": enc.encode("x = 1\n"), "z-1.0/z/__init__.py": enc.encode("") }),
    );
    const top = extractSdist(path, dest());
    expect(readFileSync(join(top, "pyproject.toml"), "utf8")).toBe("x = 1\n");
    expect(existsSync(join(top, "z", "__init__.py"))).toBe(true);
  });

  test.each([
    ["x-1.0.tar.bz2", "x-1.0.tar.bz2: unsupported source archive"],
    ["x-1.0.tar.gz", "x-1.0.tar.gz: not a gzip file"],
  ])("%s is refused", (name, message) => {
    const path = join(dir, name);
    writeFileSync(path, "not an archive");
    expect(() => extractSdist(path, dest())).toThrow(message);
  });
});

describe("readTar", () => {
  test("a bad checksum is an error", () => {
    const bytes = tar([{ path: "a/b", data: "x" }]);
    bytes[0] = 0x41;
    expect(() => readTar(bytes, "t.tar")).toThrow("t.tar: bad tar header checksum at offset 0");
  });
});

describe("sdist limits", () => {
  test("the defaults", () => {
    expect(DEFAULT_SDIST_LIMITS).toEqual({ maxTotalSize: 1024 ** 3, maxEntries: 200_000 });
  });

  test("a gzip that expands past the total size is stopped at the cap", () => {
    const path = archive(
      [{ path: "pkg-1.0/zeros.bin", data: "\0".repeat(4 * 1024 * 1024) }],
      "bomb-1.0.tar.gz",
    );
    expect(() => extractSdist(path, dest(), { maxTotalSize: 1024 * 1024 })).toThrow(
      `The archive ${basename(path)} expands to more than 1048576 bytes`,
    );
  });

  test("too many entries", () => {
    const specs = Array.from({ length: 20 }, (_, i) => ({ path: `pkg-1.0/f${i}`, data: "" }));
    const path = archive(specs, "many-1.0.tar.gz");
    expect(() => extractSdist(path, dest(), { maxEntries: 10 })).toThrow(
      `The archive ${basename(path)} has 20 entries, more than the limit of 10`,
    );
  });

  test("a zip sdist with 1000 records sharing one local header is refused as overlapping", async () => {
    const path = join(dir, "z-2.0.zip");
    await writeZipFile(path, [{ name: "z-2.0/setup.py", data: "x = 1\n".repeat(1000) }], {
      aliases: { of: 0, names: Array.from({ length: 1000 }, (_, i) => `z-2.0/copy${i}.py`) },
    });
    const out = dest();
    expect(() => extractSdist(path, out)).toThrow(
      /^The archive z-2\.0\.zip has overlapping entries: the data of "z-2\.0\/setup\.py" \(local header at 0, \d+ bytes\) runs into "z-2\.0\/copy0\.py"$/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
