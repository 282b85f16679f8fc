/**
 * Source-pinned packages in the lock: a workspace member, an editable path, a local wheel and a git
 * checkout are written as PEP 751 `directory`, `archive` and `vcs` entries with paths relative to
 * the lock's directory; they read back equal, `packaging.pylock` accepts the text, and a changed
 * source record in the inputs makes `checkLock` name the package.
 */
import { execFileSync } from "node:child_process";
import { Version } from "@lockstep/pep440";
import { Marker } from "@lockstep/pep508";
import { describe, expect, test } from "vitest";
import { checkLock } from "./check-lock";
import { formatLock } from "./format-lock";
import type { PinnedSource, ResolvedGraph } from "./from-resolution";
import { lockFromResolution, lockRelativePath } from "./from-resolution";
import { parseLockInputs } from "./lock-inputs";
import { lockInputs } from "../testing";
import { readLock } from "./read-lock";

const SHA = "a".repeat(64);
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

const INPUTS = lockInputs({
  projectName: "app",
  projectVersion: "1.0",
  requiresPython: ">=3.9",
  dependencies: ["member", "devlib", "wheelpkg", "gitpkg"],
  isPackage: false,
  sources: { devlib: "directory ../devlib editable 0123456789abcdef" },
});

function pinned(name: string, source: PinnedSource): ResolvedGraph["packages"][number] {
  return {
    name,
    version: Version.parse("0.1.0"),
    marker: Marker.TRUE,
    candidate: { wheels: [], sdist: undefined, requiresPython: undefined, pinned: { source } },
    dependencies: [],
  };
}

const graph: ResolvedGraph = {
  packages: [
    pinned("member", { kind: "directory", path: "/ws/packages/member", editable: true }),
    pinned("devlib", { kind: "directory", path: "/devlib", editable: false }),
    pinned("wheelpkg", {
      kind: "archive",
      path: "/ws/dist/wheelpkg-0.1.0-py3-none-any.whl",
      hashes: { SHA256: SHA.toUpperCase() },
      size: 10,
    }),
    pinned("gitpkg", {
      kind: "vcs",
      type: "git",
      url: "https://example.com/gitpkg.git",
      requestedRevision: "v1",
      commitId: COMMIT,
      subdirectory: "py",
    }),
  ],
  rootDependencies: [],
  forks: [],
};

describe("pinned entries", () => {
  test.each([
    ["/ws/packages/member", "/ws", "packages/member"],
    ["/devlib", "/ws", "../devlib"],
    ["/ws", "/ws", "."],
  ])("lockRelativePath(%s, %s) = %s", (path, dir, expected) => {
    expect(lockRelativePath(path, dir)).toBe(expected);
  });

  test("written as directory, archive and vcs entries relative to the lock, and read back equal", () => {
    const lock = lockFromResolution(graph, parseLockInputs(INPUTS), { lockDir: "/ws" });
    const text = formatLock(lock);
    const entries = text
      .split("\n")
      .filter((l) => /^(name|directory|archive|vcs) = /.test(l))
      .join("\n");
    expect(entries).toBe(
      [
        'name = "devlib"',
        'directory = { path = "../devlib", editable = false }',
        'name = "gitpkg"',
        `vcs = { type = "git", url = "https://example.com/gitpkg.git", requested-revision = "v1", commit-id = "${COMMIT}", subdirectory = "py" }`,
        'name = "member"',
        'directory = { path = "packages/member", editable = true }',
        'name = "wheelpkg"',
        `archive = { path = "dist/wheelpkg-0.1.0-py3-none-any.whl", size = 10, hashes = { sha256 = "${SHA}" } }`,
      ].join("\n"),
    );
    expect(text).toContain(
      '[tool.lockstep.inputs.sources]\ndevlib = "directory ../devlib editable 0123456789abcdef"',
    );
    const back = readLock(text);
    expect(back).toEqual(lock);
    expect(formatLock(back)).toBe(text);
    const script = `
import sys, tomllib
from packaging.pylock import Pylock
Pylock.from_dict(tomllib.loads(sys.stdin.read())).validate()
print("ok")
`;
    expect(execFileSync("python3", ["-c", script], { input: text, encoding: "utf8" }).trim()).toBe("ok");
  });

  test.each<[string, Record<string, string> | undefined, string[]]>([
    ["unchanged", INPUTS.sources, []],
    [
      "metadata changed",
      { devlib: "directory ../devlib editable fedcba9876543210" },
      [
        "source of devlib changed (its metadata or location): directory ../devlib editable 0123456789abcdef → directory ../devlib editable fedcba9876543210",
      ],
    ],
    ["removed", undefined, ["source of devlib removed (directory ../devlib editable 0123456789abcdef)"]],
  ])("checkLock: source record %s", (_name, sources, changes) => {
    const lock = readLock(formatLock(lockFromResolution(graph, parseLockInputs(INPUTS), { lockDir: "/ws" })));
    const now = parseLockInputs({ ...INPUTS, sources });
    expect(checkLock(lock, now).changes).toEqual(changes);
  });
});
