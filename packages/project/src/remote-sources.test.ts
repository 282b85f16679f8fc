import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { locateProject } from "./find-project";
import { readLock } from "@lockstep/lockfile";
import { lockedCommits, remotePlans, remoteRecords } from "./remote-sources";

function workspaceOf(dependencies: string[], sources = "") {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-remote-"));
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[project]",
      'name = "app"',
      'version = "0.1.0"',
      `dependencies = ${JSON.stringify(dependencies)}`,
      sources === "" ? "" : `[tool.lockstep.sources]\n${sources}`,
    ].join("\n"),
  );
  return locateProject({ project: dir }).workspace;
}

test.each([
  [
    "a git requirement",
    ["lib @ git+https://tok@host/r.git@v1#subdirectory=py"],
    "",
    { lib: "git https://host/r rev=v1 py" },
  ],
  [
    "a git source with a tag",
    ["lib"],
    'lib = { git = "https://host/r.git", tag = "v2" }',
    { lib: "git https://host/r tag=v2" },
  ],
  [
    "a git source with a branch and subdirectory",
    ["lib"],
    'lib = { git = "ssh://git@host/r.git", branch = "dev", subdirectory = "a/b" }',
    { lib: "git ssh://host/r branch=dev a/b" },
  ],
  [
    "a url source and a url requirement",
    ["lib", "other @ https://u:p@host/other-1.0-py3-none-any.whl#sha256=00"],
    'lib = { url = "https://host/lib-1.0.tar.gz" }',
    {
      lib: "url https://host/lib-1.0.tar.gz",
      other: "url https://host/other-1.0-py3-none-any.whl#sha256=00",
    },
  ],
  [
    "a url source with a subdirectory, and a url requirement with one",
    ["lib", "other @ https://host/repo-2.tar.gz#subdirectory=py/other"],
    'lib = { url = "https://host/repo-1.zip", subdirectory = "./py/lib/" }',
    {
      lib: "url https://host/repo-1.zip py/lib",
      other: "url https://host/repo-2.tar.gz#subdirectory=py/other",
    },
  ],
  [
    "an index source is not a remote pin",
    ["lib"],
    'lib = { index = "x" }\n[[tool.lockstep.index]]\nname = "x"\nurl = "https://x/simple"',
    {},
  ],
])("%s", (_label, deps, sources, records) => {
  expect(remoteRecords(remotePlans(workspaceOf(deps, sources)))).toEqual(records);
});

test.each([
  [["lib @ https://host/lib/"], "", "is not a wheel or source archive (.whl, .tar.gz, .zip)"],
  [
    ["lib"],
    'lib = { url = "https://host/lib.html" }',
    '[tool.lockstep.sources] lib = { url = "https://host/lib.html" }: https://host/lib.html is not a wheel or source archive',
  ],
  [["lib @ git+ftp://host/r.git"], "", 'uses the unsupported scheme "git+ftp"'],
  [
    ["lib"],
    'lib = { url = "https://host/lib-1.0-py3-none-any.whl", subdirectory = "py" }',
    'subdirectory = "py" applies to source archives, but https://host/lib-1.0-py3-none-any.whl is a wheel',
  ],
  [
    ["lib @ https://host/repo.zip#subdirectory=../up"],
    "",
    'subdirectory "../up" of "https://host/repo.zip#subdirectory=../up" must be a relative path inside the archive',
  ],
  [["lib @ svn+https://host/r"], "", "only git+https/ssh/git/file, https:// and file:// URLs are supported"],
])("refused: %j %s", (deps, sources, message) => {
  expect(() => remotePlans(workspaceOf(deps, sources))).toThrow(message);
});

const LOCK = `lock-version = "1.0"
created-by = "lockstep"

[[packages]]
name = "gitpkg"
version = "1.0"
vcs = { type = "git", url = "https://host/r.git", requested-revision = "main", commit-id = "${"a".repeat(40)}" }

[[packages]]
name = "other"
version = "2.0"
vcs = { type = "git", url = "https://host/o.git", commit-id = "${"b".repeat(40)}" }
`;

test.each<[string, true | Set<string> | undefined, string[]]>([
  ["a plain re-lock keeps every locked commit", undefined, ["gitpkg", "other"]],
  ["--upgrade-package gitpkg moves only gitpkg", new Set(["gitpkg"]), ["other"]],
  ["--upgrade moves all", true, []],
])("lockedCommits: %s", (_label, upgrade, kept) => {
  const locked = lockedCommits(readLock(LOCK, "pylock.toml"), upgrade);
  expect([...locked.keys()]).toEqual(kept);
  if (kept.includes("gitpkg"))
    expect(locked.get("gitpkg")).toEqual([
      { repository: "https://host/r", requested: "main", commit: "a".repeat(40) },
    ]);
});

test("lockedCommits keeps every vcs entry of a name (sources split by marker)", () => {
  const twoSources = `lock-version = "1.0"
created-by = "lockstep"

[[packages]]
name = "lib"
version = "1.0"
marker = "os_name != 'nt'"
vcs = { type = "git", url = "https://host/a.git", requested-revision = "main", commit-id = "${"a".repeat(40)}" }

[[packages]]
name = "lib"
version = "1.0"
marker = "os_name == 'nt'"
vcs = { type = "git", url = "https://host/b.git", requested-revision = "main", commit-id = "${"b".repeat(40)}" }
`;
  expect(lockedCommits(readLock(twoSources, "pylock.toml"), undefined).get("lib")).toEqual([
    { repository: "https://host/a", requested: "main", commit: "a".repeat(40) },
    { repository: "https://host/b", requested: "main", commit: "b".repeat(40) },
  ]);
});
