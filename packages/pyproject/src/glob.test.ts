import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { expandGlob, matchGlob } from "./glob";

describe("matchGlob", () => {
  test.each([
    ["packages/*", "packages/a", true],
    ["packages/*", "packages/a/b", false],
    ["packages/*", "packages", false],
    ["packages/*", "packages/.hidden", false],
    ["packages/.*", "packages/.hidden", true],
    ["packages/**", "packages", true],
    ["packages/**", "packages/a/b/c", true],
    ["**/lib", "lib", true],
    ["**/lib", "x/y/lib", true],
    ["**/lib", ".git/lib", false],
    ["libs/py-?", "libs/py-a", true],
    ["libs/py-?", "libs/py-ab", false],
    ["a.b/*", "aXb/c", false],
    ["./packages/*", "packages/x", true],
    ["packages/*-plugin", "packages/foo-plugin", true],
  ])("%j matches %j: %s", (pattern, path, expected) => {
    expect(matchGlob(pattern, path)).toBe(expected);
  });
});

describe("expandGlob", () => {
  const root = mkdtempSync(join(tmpdir(), "lockstep-glob-"));
  for (const dir of ["packages/a", "packages/b/nested", "packages/.hidden", "libs/x/y"]) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  writeFileSync(join(root, "packages", "file.txt"), "");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test.each([
    ["packages/*", ["packages/a", "packages/b"]],
    ["packages/**", ["packages", "packages/a", "packages/b", "packages/b/nested"]],
    ["**/y", ["libs/x/y"]],
    ["libs/x", ["libs/x"]],
    ["missing/*", []],
    ["packages/?", ["packages/a", "packages/b"]],
  ])("%j", (pattern, expected) => {
    expect(expandGlob(root, pattern)).toEqual(expected);
  });
});
