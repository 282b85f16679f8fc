/**
 * One version of a package from two sources split by marker (`torch` 1.0 from a cpu index on Linux
 * and a cu index on Windows; `lib` 1.0 from two git repositories): name and version match both
 * entries, so each dependency on it also names the key that singles one out (PEP 751: a dependency
 * identifies one entry by key-by-key comparison): `index` when the entries' indexes differ, else
 * `marker`. A dependent reached only under one marker lists only that entry. Locks without such
 * twins keep their bytes (the goldens in write-lock.test.ts); these read back equal, pass
 * `validateLockReferences` (inside `readLock`) and `packaging.pylock`.
 */
import { Version } from "@lockstep/pep440";
import { Marker } from "@lockstep/pep508";
import { describe, expect, test } from "vitest";
import { formatLock } from "./format-lock";
import type { PinnedSource, ResolvedEdge, ResolvedGraph, ResolvedNode } from "./from-resolution";
import { lockFromResolution } from "./from-resolution";
import { parseLockInputs } from "./lock-inputs";
import { readLock } from "./read-lock";
import { lockInputs, validatePylock } from "../testing";

const CPU = "https://cpu.example/simple/";
const CU = "https://cu.example/simple/";
const MAIN = "https://pypi.example/simple/";
const LINUX = "sys_platform == 'linux'";
const WIN = "sys_platform == 'win32'";
const OTHER = "sys_platform != 'linux' and sys_platform != 'win32'";

const INPUTS = lockInputs({
  projectName: "app",
  projectVersion: "0.1.0",
  requiresPython: ">=3.9",
  dependencies: ["torch", "lib"],
  isPackage: true,
});

const edge = (name: string, version: string, marker?: string): ResolvedEdge => ({
  name,
  version: Version.parse(version),
  marker: marker === undefined ? undefined : Marker.parse(marker),
});

function fromIndex(name: string, version: string, marker: string, index: string, deps: ResolvedEdge[] = []) {
  const filename = `${name}-${version}.tar.gz`;
  const file = {
    filename,
    url: `${index}${filename}`,
    hashes: { sha256: "b".repeat(64) },
    size: 1,
    uploadTime: undefined,
    source: index,
  };
  return {
    name,
    version: Version.parse(version),
    marker: Marker.parse(marker),
    candidate: { wheels: [], sdist: file, requiresPython: undefined },
    dependencies: deps,
  } satisfies ResolvedNode;
}

function fromGit(name: string, version: string, marker: string, url: string, commit: string): ResolvedNode {
  const source: PinnedSource = { kind: "vcs", type: "git", url, commitId: commit.repeat(40) };
  return {
    name,
    version: Version.parse(version),
    marker: Marker.parse(marker),
    candidate: { wheels: [], sdist: undefined, requiresPython: undefined, pinned: { source } },
    dependencies: [],
  };
}

const torchTwins = [
  fromIndex("torch", "1.0", LINUX, CPU),
  fromIndex("torch", "1.0", WIN, CU),
  fromIndex("torch", "3.0", OTHER, MAIN),
];

/** Each entry's `dependencies` as `name version: { … }, { … }` (one table a line in the file). */
function dependencyLines(text: string): string[] {
  return text
    .split("[tool.")[0]!
    .split("[[packages]]")
    .slice(1)
    .map((block) => {
      const name = /^name = "(.*)"$/m.exec(block)?.[1];
      const version = /^version = "(.*)"$/m.exec(block)?.[1] ?? "-";
      const deps = /^dependencies = \[\n((?: {4}.*\n)*)\]$/m.exec(block)?.[1];
      if (!deps) return "";
      const tables = deps
        .split("\n")
        .map((l) => l.trim().replace(/,$/, ""))
        .filter((l) => l !== "");
      return `${name} ${version}: ${tables.join(", ")}`;
    })
    .filter((l) => l !== "");
}

describe("one version from several sources", () => {
  test.each<[string, ResolvedGraph, string[]]>([
    [
      "two indexes: by index, each edge only the entries its marker reaches",
      {
        packages: [
          ...torchTwins,
          fromIndex("vision", "1.0", LINUX, MAIN, [edge("torch", "1.0", LINUX)]),
          fromIndex("plain", "1.0", "", MAIN, [edge("torch", "1.0")]),
        ],
        rootDependencies: [
          edge("torch", "1.0", `${LINUX} or ${WIN}`),
          edge("torch", "3.0", OTHER),
          edge("vision", "1.0", LINUX),
          edge("plain", "1.0", ""),
        ],
        forks: [],
      },
      [
        `app -: { name = "plain" }, { name = "torch", version = "1.0", index = "${CPU}" }, { name = "torch", version = "1.0", index = "${CU}" }, { name = "torch", version = "3.0" }, { name = "vision" }`,
        `plain 1.0: { name = "torch", version = "1.0", index = "${CPU}" }, { name = "torch", version = "1.0", index = "${CU}" }`,
        `vision 1.0: { name = "torch", version = "1.0", index = "${CPU}" }`,
      ],
    ],
    [
      "two git repositories: by marker",
      {
        packages: [
          fromGit("lib", "1.0", "os_name == 'posix'", "https://example.com/a.git", "a"),
          fromGit("lib", "1.0", "os_name == 'nt'", "https://example.com/b.git", "b"),
        ],
        rootDependencies: [edge("lib", "1.0", "os_name == 'nt' or os_name == 'posix'")],
        forks: [],
      },
      [
        `app -: { name = "lib", version = "1.0", marker = "os_name == 'nt'" }, { name = "lib", version = "1.0", marker = "os_name == 'posix'" }`,
      ],
    ],
    [
      "an index and a git repository: by marker (a pinned entry has no index)",
      {
        packages: [
          fromIndex("lib", "1.0", "os_name == 'posix'", MAIN),
          fromGit("lib", "1.0", "os_name == 'nt'", "https://example.com/b.git", "b"),
        ],
        rootDependencies: [edge("lib", "1.0", "os_name == 'nt'")],
        forks: [],
      },
      [`app -: { name = "lib", version = "1.0", marker = "os_name == 'nt'" }`],
    ],
    [
      "different versions: by version only, as before",
      {
        packages: [fromIndex("torch", "1.0", LINUX, CPU), fromIndex("torch", "2.0", WIN, CU)],
        rootDependencies: [edge("torch", "1.0", LINUX), edge("torch", "2.0", WIN)],
        forks: [],
      },
      [`app -: { name = "torch", version = "1.0" }, { name = "torch", version = "2.0" }`],
    ],
  ])("%s", (_name, graph, expected) => {
    const lock = lockFromResolution(graph, parseLockInputs(INPUTS));
    const text = formatLock(lock);
    expect(dependencyLines(text)).toEqual(expected);
    const back = readLock(text);
    expect(formatLock(back)).toBe(text);
    expect(
      back.packages.map((p) =>
        p.dependencies.map((d) => [d.name, d.version?.toString(), d.index, d.marker?.toString()]),
      ),
    ).toEqual(
      lock.packages.map((p) =>
        p.dependencies.map((d) => [d.name, d.version?.toString(), d.index, d.marker?.toString()]),
      ),
    );
    validatePylock(text);
  });

  test("a dependency matching two entries is still refused when read", () => {
    const lock = lockFromResolution(
      { packages: torchTwins, rootDependencies: [edge("torch", "1.0")], forks: [] },
      parseLockInputs(INPUTS),
    );
    const text = formatLock(lock).replace(/, index = "https:\/\/cu\.example\/simple\/"/, "");
    expect(() => readLock(text)).toThrow(
      "package `app` depends on `torch 1.0`, which matches 2 package entries (1.0, 1.0); a dependency must identify one entry, e.g. by its `version`",
    );
  });
});
