/** Which directories a member glob reads, and their listing digests changing with a new entry. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { expect, test } from "vitest";
import { globDirectories, listingDigest } from "./workspace-watch";

const root = mkdtempSync(join(tmpdir(), "lockstep-ws-watch-"));
for (const d of ["packages/a", "packages/b/src", "libs/x/py", "libs/y", "tools/t", "deep/1/2/3"])
  mkdirSync(join(root, d), { recursive: true });

test.each<[string[], string[]]>([
  [["packages/*"], ["packages"]],
  [["libs/*/py"], ["libs"]],
  [["tools/t"], []],
  [
    ["./packages/*", "libs/*"],
    ["libs", "packages"],
  ],
  [["packages/[ab]"], ["packages"]],
  [["deep/**"], ["deep", "deep/1", "deep/1/2", "deep/1/2/3"]],
  [["missing/*"], ["missing"]],
])("%j reads %j", (patterns, dirs) => {
  expect(globDirectories(root, patterns).map((d) => relative(root, d))).toEqual(dirs);
});

test("a new entry changes a directory's digest; an unreadable directory digests as empty", () => {
  const before = listingDigest(join(root, "packages"));
  expect(listingDigest(join(root, "packages"))).toBe(before);
  mkdirSync(join(root, "packages", "c"));
  expect(listingDigest(join(root, "packages"))).not.toBe(before);
  writeFileSync(join(root, "file"), "");
  expect(listingDigest(join(root, "file"))).toBe("");
  expect(listingDigest(join(root, "nope"))).toBe("");
});
