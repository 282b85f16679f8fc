/** Submodule lists from `.gitmodules` and a commit's gitlinks, and how their URLs resolve. */
import { describe, expect, test } from "vitest";
import { parseGitlinks, parseGitmodules, submoduleUrl, submodulesOf } from "./git-submodules";

describe("submoduleUrl", () => {
  test.each([
    ["../lib", "https://host/org/app.git", "https://host/org/lib"],
    ["../lib.git", "https://tok@host/org/app", "https://tok@host/org/lib.git"],
    ["./vendor/x", "file:///srv/app", "file:///srv/app/vendor/x"],
    ["../../other/r", "ssh://git@host/a/b/app", "ssh://git@host/a/other/r"],
    ["/srv/git/lib", "https://host/app", "file:///srv/git/lib"],
    ["git@github.com:org/lib.git", "https://host/app", "ssh://git@github.com/org/lib.git"],
    ["https://host/x/lib.git", "file:///srv/app", "https://host/x/lib.git"],
  ])("%s from %s", (raw, superproject, expected) => {
    expect(submoduleUrl(raw, superproject)).toBe(expected);
  });
});

const SHA = "a".repeat(40);
const gitmodules = parseGitmodules(
  [
    "submodule.lib.path vendor/lib",
    "submodule.lib.url ../lib",
    "submodule.gone.path old/gone",
    "submodule.gone.url ../gone",
  ].join("\n"),
);

test("a submodule is listed with the commit its gitlink records; a stale .gitmodules entry is skipped", () => {
  const links = parseGitlinks(
    `160000 commit ${SHA}\tvendor/lib\u0000100644 blob ${"b".repeat(40)}\tREADME\0`,
  );
  expect(submodulesOf(gitmodules, links, "https://host/app", "app")).toEqual([
    { name: "lib", path: "vendor/lib", url: "https://host/lib", commit: SHA },
  ]);
});

test.each([
  [
    "a gitlink .gitmodules does not list",
    parseGitmodules(""),
    `160000 commit ${SHA}\tx/y\0`,
    'app records a submodule at "x/y" that .gitmodules does not list, so it cannot be fetched',
  ],
  [
    "a path leaving the checkout",
    parseGitmodules("submodule.up.path ../up\nsubmodule.up.url ../up"),
    `160000 commit ${SHA}\t../up\0`,
    'submodule "up" of app has the path "../up", which leaves the checkout',
  ],
  [
    "no url",
    parseGitmodules("submodule.x.path x"),
    `160000 commit ${SHA}\tx\0`,
    'submodule "x" of app has no url in .gitmodules',
  ],
])("refused: %s", (_label, entries, tree, message) => {
  expect(() => submodulesOf(entries, parseGitlinks(tree), "https://host/app", "app")).toThrow(message);
});
