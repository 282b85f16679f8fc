/**
 * Property tests for the boundary checks (issue 13): whatever names and hashes an index sends, a
 * page parses without throwing, and every cache path built from what it yields lies inside the cache
 * root — or is refused with the documented error, never anything else.
 */
import { isAbsolute, join, relative, sep } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Cache, CachePathError } from "./cache";
import { UnusableLinkError, acceptedHashes, checkFilename, filenameFromUrl } from "./index-input";
import { parseSimpleHtml } from "./simple-html";
import { parseSimpleJson } from "./simple-json";

const ROOT = join("/", "cache-root", "lockstep");
const cache = new Cache(ROOT);
const inside = (p: string): boolean => {
  const rel = relative(ROOT, p);
  // A first component of "..." or "..x" is a name inside; only ".." itself leads out.
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

/** Strings rich in the characters that matter: separators, dots, percent-escapes, NUL, hex. */
const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc
    .array(
      fc.constantFrom(
        "/",
        "\\",
        ".",
        "..",
        "%2F",
        "%2f",
        "%5C",
        "%00",
        "%",
        "%E0%A4%A",
        "\u0000",
        "a",
        "0",
        "-",
        "_",
        ".whl",
        ".tar.gz",
        "f",
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join("")),
);
const hexish = fc.oneof(fc.stringMatching(/^[0-9a-fA-F]{64}$/), hostile);

/** Run `f`; a thrown error must be one of `allowed`. */
function onlyThrows(f: () => void, ...allowed: Array<abstract new (...args: never[]) => Error>): boolean {
  try {
    f();
    return true;
  } catch (error) {
    if (allowed.some((cls) => error instanceof cls)) return false;
    throw error;
  }
}

describe("cache paths from index data", () => {
  test("Cache.within: inside the root or CachePathError", () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), (segments) => {
        onlyThrows(() => expect(inside(cache.within(...segments))).toBe(true), CachePathError);
      }),
      { numRuns: 2000 },
    );
  });

  test.each([
    [["...tar.gz", " "], true],
    [["..x"], true],
    [["a", "..."], true],
  ])("Cache.within(%j): a name that starts with dots is inside", (segments, ok) => {
    expect(inside(cache.within(...segments))).toBe(ok);
  });

  test.each([[[".."]], [["a", ".."]], [["a/../../b"]], [[""]]])("Cache.within(%j) refuses", (segments) => {
    expect(() => cache.within(...segments)).toThrow(CachePathError);
  });

  test("archivePath and metadataPath: inside the root or CachePathError", () => {
    fc.assert(
      fc.property(hexish, hostile, fc.webUrl(), (sha, filename, url) => {
        onlyThrows(() => expect(inside(cache.archivePath(sha, filename))).toBe(true), CachePathError);
        onlyThrows(
          () => expect(inside(cache.metadataPath({ url, hashes: { sha256: sha } }))).toBe(true),
          CachePathError,
        );
        expect(inside(cache.metadataPath({ url, hashes: {} }))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test("names: filenameFromUrl and checkFilename accept only one plain component, else UnusableLinkError", () => {
    fc.assert(
      fc.property(hostile, (name) => {
        for (const check of [
          () => checkFilename(name),
          () => filenameFromUrl(`https://h.example/f/${name}`),
        ]) {
          onlyThrows(() => {
            const out = check();
            expect(out.includes("/") || out.includes("\\") || out.includes("\u0000")).toBe(false);
            expect([".", ".."]).not.toContain(out);
            expect(inside(cache.within("archives-v1", "0".repeat(64), out))).toBe(true);
          }, UnusableLinkError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("pages with generated names and hashes", () => {
  test("HTML: never throws; every file's name and hash make a path inside the cache", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hostile, hexish), { maxLength: 6 }), (links) => {
        const html = links.map(([name, sha]) => `<a href="${name}#sha256=${sha}">x</a>`).join("\n");
        const page = parseSimpleHtml(html, "https://h.example/simple/p/", "p");
        for (const f of page.files) {
          const sha = f.hashes.sha256 ?? "0".repeat(64);
          expect(inside(cache.archivePath(sha, f.filename))).toBe(true);
          expect(inside(cache.metadataPath(f))).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  test("JSON: never throws; every file's name and hash make a path inside the cache", () => {
    const value = fc.oneof(hostile, hexish, fc.constant(null), fc.integer(), fc.dictionary(hostile, hexish));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            filename: value,
            url: fc.oneof(hostile, fc.webUrl()),
            hashes: fc.oneof(value, fc.dictionary(fc.constantFrom("sha256", "md5", "x"), hexish)),
          }),
          { maxLength: 6 },
        ),
        (files) => {
          const page = parseSimpleJson(
            JSON.stringify({ meta: { "api-version": "1.0" }, files }),
            "https://h.example/simple/p/",
            "p",
          );
          for (const f of page.files) {
            const sha = f.hashes.sha256 ?? "0".repeat(64);
            expect(inside(cache.archivePath(sha, f.filename))).toBe(true);
            expect(inside(cache.metadataPath(f))).toBe(true);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  test("acceptedHashes keeps only hex of the right length, lower-cased", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("sha256", "sha512", "md5", "SHA256", "blake2b", "nope"), hexish),
        (raw) => {
          for (const [algo, v] of Object.entries(acceptedHashes(raw, "x", () => undefined))) {
            expect(v).toMatch(/^[0-9a-f]+$/);
            expect(v.length).toBe({ sha256: 64, sha512: 128, md5: 32, blake2b: 128 }[algo]);
          }
        },
      ),
    );
  });
});
