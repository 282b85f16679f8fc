/**
 * The write gate: table cases for the path checks, and a property over arbitrary names (fast-check:
 * `..`, `/`, `\`, `%2F`, unicode, NUL, drive letters) that no name ever yields a destination outside
 * its root — neither lexically nor through a symlink inside the root that points out of it.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { isWithin, PathEscapeError, SafeRoot, unsafePathReason } from "./safe-path";
import { EntryPointError, scriptEntryPoints } from "./scripts";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe("unsafePathReason", () => {
  test.each([
    ["pkg/__init__.py", undefined],
    ["pkg/", undefined],
    ["pkg%2F..%2Fx", undefined],
    ["päckchen/ß.py", undefined],
    ["", "is empty"],
    ["../x", "escapes the target directory (..)"],
    ["a/../../x", "escapes the target directory (..)"],
    ["/etc/passwd", "is absolute"],
    ["C:/Windows/x", "is absolute"],
    ["c:x", "is absolute"],
    ["a\\..\\x", "contains a backslash"],
    ["a\0b", "contains a NUL byte"],
    ["a//b", "has an empty or '.' component"],
    ["./a", "has an empty or '.' component"],
    ["a/.", "has an empty or '.' component"],
  ])("%j", (path, reason) => {
    expect(unsafePathReason(path)).toBe(reason);
  });
});

describe("SafeRoot", () => {
  const base = tmp("ls-safe-");
  const root = join(base, "root");
  const outside = join(base, "outside");
  mkdirSync(join(root, "inner"), { recursive: true });
  mkdirSync(outside);
  symlinkSync(outside, join(root, "out")); // leads out of the root
  symlinkSync(join(root, "inner"), join(root, "alias")); // stays inside
  const realRoot = realpathSync(root);

  test.each([
    ["../x", 'w: the path "../x" escapes the target directory (..)'],
    ["out/x", `w: "${root}/out" leads to "${realpathSync(outside)}", outside the root (${root})`],
    ["out/deeper/x", `w: "${root}/out" leads to "${realpathSync(outside)}", outside the root (${root})`],
  ])("refuses %j", (name, message) => {
    const safe = new SafeRoot(root, "the root");
    expect(() => safe.join(name, "w")).toThrow(message);
  });

  test("a symlink that stays inside the root is followed", () => {
    const safe = new SafeRoot(root, "the root");
    const dest = safe.join("alias/sub/x.py", "w");
    safe.ensureParent(dest, "w");
    expect(existsSync(join(root, "inner", "sub"))).toBe(true);
  });

  test("contain refuses the root itself and absolute paths elsewhere", () => {
    const safe = new SafeRoot(root, "the root");
    expect(() => safe.contain(root, "w")).toThrow(PathEscapeError);
    expect(() => safe.contain("/etc/passwd", "w")).toThrow(`w: "/etc/passwd" is outside the root (${root})`);
  });

  // Pieces that attackers combine, plus fast-check's full unicode strings.
  const piece = fc.oneof(
    fc.constantFrom(
      "..",
      ".",
      "",
      "/",
      "\\",
      "%2F",
      "%2e%2e",
      "out",
      "alias",
      "inner",
      "C:",
      "\0",
      "é",
      "\u202e",
    ),
    fc.string({ unit: "grapheme", maxLength: 6 }),
    fc.string({ unit: "binary", maxLength: 6 }),
  );
  const name = fc.oneof(
    fc.array(piece, { maxLength: 8 }).map((parts) => parts.join("")),
    fc.array(piece, { maxLength: 8 }).map((parts) => parts.join("/")),
  );

  test("no generated name yields a destination outside the root (property)", () => {
    fc.assert(
      fc.property(name, (n) => {
        const safe = new SafeRoot(root, "the root");
        let dest: string;
        try {
          dest = safe.join(n, "w");
        } catch (error) {
          return error instanceof PathEscapeError;
        }
        // Lexically inside, and the nearest existing ancestor really is inside too.
        if (!isWithin(dest, root) || dest === root) return false;
        let existing = dirname(dest);
        while (!existsSync(existing)) existing = dirname(existing);
        return isWithin(realpathSync(existing), realRoot);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("script names from entry_points.txt", () => {
  test("every accepted console/gui script name is one file directly in the scripts directory (property)", () => {
    const scripts = tmp("ls-scripts-");
    const safe = new SafeRoot(scripts, "the scripts directory");
    const piece = fc.oneof(
      fc.constantFrom("..", ".", "/", "\\", "%2F", "\0", "-", "+", " ", "=", ":", "é", "pip3.12", "a"),
      fc.string({ unit: "grapheme", maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.boolean(), (parts, gui) => {
        const name = parts.join("");
        const group = gui ? "gui_scripts" : "console_scripts";
        let eps;
        try {
          eps = scriptEntryPoints(`[${group}]\n${name} = mod:main\n`, "x-1.0.dist-info/entry_points.txt");
        } catch (error) {
          // Refused (an unsafe name, or a line the "=" inside the name made invalid): nothing written.
          return error instanceof EntryPointError;
        }
        // The INI reader trims and splits at "="; whatever name survives must be a single component.
        return [...eps.console, ...eps.gui].every((ep) => dirname(safe.join(ep.name, "w")) === scripts);
      }),
      { numRuns: 3000 },
    );
  });
});
