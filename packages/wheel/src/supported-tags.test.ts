import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { macPlatforms, manylinuxPlatforms, musllinuxPlatforms, platformTags } from "./platform-tags";
import { supportedTags } from "./supported-tags";
import type { TargetEnv } from "./target";

/**
 * The oracle: Debian's packaging 23.0, driven with the target's platform facts patched in (glibc/musl
 * version, sysconfig platform), so the expected lists come from pypa's code, not from ours.
 */
const ORACLE = String.raw`
import json, sys, sysconfig
from packaging import tags, _manylinux, _musllinux

def platforms(t):
    if t["os"] == "windows":
        return [{"x86_64": "win_amd64", "i686": "win32", "aarch64": "win_arm64"}[t["arch"]]]
    if t["os"] == "macos":
        return list(tags.mac_platforms(tuple(t["macosVersion"]), t["arch"]))
    libc = t["libc"]
    glibc = tuple(libc["version"]) if libc["kind"] == "glibc" else (-1, -1)
    musl = _musllinux._MuslVersion(*libc["version"]) if libc["kind"] == "musl" else None
    _manylinux._get_glibc_version = lambda: glibc
    _musllinux._get_musl_version = lambda exe: musl
    sysconfig.get_platform = lambda: "linux-" + t["arch"]
    return list(tags._linux_platforms(is_32bit=False))

out = []
for t in json.load(sys.stdin):
    v = tuple(t["pythonVersion"])
    p = platforms(t)
    nodot = "%d%d" % v
    if t["implementation"] == "cpython":
        got = list(tags.cpython_tags(v, platforms=p)) + list(tags.compatible_tags(v, "cp" + nodot, p))
    else:
        got = list(tags.generic_tags("pp" + nodot, ["pypy%s_pp73" % nodot], p)) + list(tags.compatible_tags(v, "pp3", p))
    out.append([str(tag) for tag in got])
print(json.dumps(out))
`;

const cases: [string, TargetEnv][] = [
  [
    "cpython 3.11 manylinux x86_64 glibc 2.35",
    {
      implementation: "cpython",
      pythonVersion: [3, 11],
      os: "linux",
      arch: "x86_64",
      libc: { kind: "glibc", version: [2, 35] },
    },
  ],
  [
    "cpython 3.12 manylinux aarch64 glibc 2.28",
    {
      implementation: "cpython",
      pythonVersion: [3, 12],
      os: "linux",
      arch: "aarch64",
      libc: { kind: "glibc", version: [2, 28] },
    },
  ],
  [
    "cpython 3.10 musllinux x86_64 musl 1.2",
    {
      implementation: "cpython",
      pythonVersion: [3, 10],
      os: "linux",
      arch: "x86_64",
      libc: { kind: "musl", version: [1, 2] },
    },
  ],
  [
    "cpython 3.12 macOS 14 arm64",
    { implementation: "cpython", pythonVersion: [3, 12], os: "macos", arch: "arm64", macosVersion: [14, 0] },
  ],
  [
    "cpython 3.9 macOS 10.15 x86_64",
    { implementation: "cpython", pythonVersion: [3, 9], os: "macos", arch: "x86_64", macosVersion: [10, 15] },
  ],
  [
    "cpython 3.11 macOS 12 x86_64",
    { implementation: "cpython", pythonVersion: [3, 11], os: "macos", arch: "x86_64", macosVersion: [12, 0] },
  ],
  [
    "cpython 3.11 macOS 11 universal2",
    {
      implementation: "cpython",
      pythonVersion: [3, 11],
      os: "macos",
      arch: "universal2",
      macosVersion: [11, 0],
    },
  ],
  [
    "cpython 3.13 win_amd64",
    { implementation: "cpython", pythonVersion: [3, 13], os: "windows", arch: "x86_64" },
  ],
  ["cpython 3.8 win32", { implementation: "cpython", pythonVersion: [3, 8], os: "windows", arch: "i686" }],
  [
    "cpython 3.7 win_arm64 (pymalloc abi)",
    { implementation: "cpython", pythonVersion: [3, 7], os: "windows", arch: "aarch64" },
  ],
  [
    "pypy 3.10 manylinux x86_64 glibc 2.31",
    {
      implementation: "pypy",
      pythonVersion: [3, 10],
      os: "linux",
      arch: "x86_64",
      libc: { kind: "glibc", version: [2, 31] },
    },
  ],
];

const PYTHON = "/usr/bin/python3";
let expected: string[][] = [];

beforeAll(() => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} (with packaging 23.0) is needed as the oracle`);
  const stdout = execFileSync(PYTHON, ["-c", ORACLE], { input: JSON.stringify(cases.map(([, t]) => t)) });
  expected = JSON.parse(stdout.toString()) as string[][];
});

describe("supportedTags matches packaging 23.0", () => {
  test.each(cases.map(([name, target], i) => ({ name, target, i })))("$name", ({ target, i }) => {
    const ours = supportedTags(target);
    expect(ours.length).toBeGreaterThan(10);
    expect(ours).toEqual(expected[i]);
  });
});

describe("supportedTags beyond packaging 23.0", () => {
  // packaging 23.0 predates free-threading; the expected order is packaging 26's (PEP 803 abi3t).
  test("free-threaded CPython uses the t ABI and abi3t instead of abi3", () => {
    const tags = supportedTags({
      implementation: "cpython",
      pythonVersion: [3, 13],
      os: "windows",
      arch: "x86_64",
      freeThreaded: true,
    });
    expect(tags.slice(0, 5)).toEqual([
      "cp313-cp313t-win_amd64",
      "cp313-abi3t-win_amd64",
      "cp313-none-win_amd64",
      "cp312-abi3t-win_amd64",
      "cp311-abi3t-win_amd64",
    ]);
    expect(tags.filter((t) => t.includes("-abi3-"))).toEqual([]);
    expect(tags[tags.indexOf("cp32-abi3t-win_amd64") + 1]).toBe("py313-none-win_amd64");
    expect(tags.slice(-3)).toEqual(["py32-none-any", "py31-none-any", "py30-none-any"]);
  });
});

describe("platform tags", () => {
  test.each([
    ["x86_64", [2, 17], 0, "manylinux_2_17_x86_64"],
    ["x86_64", [2, 17], 1, "manylinux2014_x86_64"],
    ["x86_64", [2, 17], 2, "manylinux_2_16_x86_64"],
    ["x86_64", [2, 12], 1, "manylinux2010_x86_64"],
    ["x86_64", [2, 5], 1, "manylinux1_x86_64"],
    ["aarch64", [2, 17], -1, "manylinux2014_aarch64"],
  ] as const)("manylinux %s glibc %j at %i is %s", (arch, glibc, index, tag) => {
    expect(manylinuxPlatforms(arch, glibc).at(index)).toBe(tag);
  });

  test.each([
    ["x86_64", [2, 5], 2],
    ["i686", [2, 6], 3],
    ["aarch64", [2, 17], 2],
    ["aarch64", [2, 12], 0],
    ["sparc", [2, 35], 0],
  ] as const)("manylinux %s glibc %j has %i tags", (arch, glibc, count) => {
    expect(manylinuxPlatforms(arch, glibc)).toHaveLength(count);
  });

  test.each([
    [
      [1, 1],
      ["musllinux_1_1_x86_64", "musllinux_1_0_x86_64"],
    ],
    [[1, 0], ["musllinux_1_0_x86_64"]],
  ] as const)("musllinux %j", (musl, tags) => {
    expect(musllinuxPlatforms("x86_64", musl)).toEqual(tags);
  });

  test.each([
    [[11, 0], "arm64", ["macosx_11_0_arm64", "macosx_11_0_universal2", "macosx_10_16_universal2"]],
    [[10, 4], "x86_64", ["macosx_10_4_x86_64", "macosx_10_4_intel"]],
    [[13, 5], "x86_64", ["macosx_13_0_x86_64", "macosx_13_0_intel"]],
  ] as const)("macOS %j %s starts with %j", (version, arch, head) => {
    expect(macPlatforms(version, arch).slice(0, head.length)).toEqual(head);
  });

  test.each([
    [
      { os: "linux", arch: "arm64", libc: { kind: "musl", version: [1, 0] } },
      ["musllinux_1_0_aarch64", "linux_aarch64"],
    ],
    [{ os: "windows", arch: "arm64" }, ["win_arm64"]],
    [
      { os: "linux", arch: "riscv64", libc: { kind: "glibc", version: [2, 17] } },
      ["manylinux_2_17_riscv64", "manylinux2014_riscv64", "linux_riscv64"],
    ],
  ] as const)("platformTags(%j)", (partial, tags) => {
    expect(platformTags({ implementation: "cpython", pythonVersion: [3, 12], ...partial })).toEqual(tags);
  });

  test("defaults: glibc 2.17 on Linux, macOS 12", () => {
    expect(
      platformTags({ implementation: "cpython", pythonVersion: [3, 12], os: "linux", arch: "x86_64" })[0],
    ).toBe("manylinux_2_17_x86_64");
    expect(
      platformTags({ implementation: "cpython", pythonVersion: [3, 12], os: "macos", arch: "arm64" })[0],
    ).toBe("macosx_12_0_arm64");
  });
});
