import { describe, expect, test } from "vitest";
import { TagPriority } from "./tag-priority";
import type { TargetEnv } from "./target";

const linux311: TargetEnv = {
  implementation: "cpython",
  pythonVersion: [3, 11],
  os: "linux",
  arch: "x86_64",
  libc: { kind: "glibc", version: [2, 35] },
};
const mac12arm: TargetEnv = {
  implementation: "cpython",
  pythonVersion: [3, 12],
  os: "macos",
  arch: "arm64",
  macosVersion: [14, 0],
};
const win313t: TargetEnv = {
  implementation: "cpython",
  pythonVersion: [3, 13],
  os: "windows",
  arch: "x86_64",
  freeThreaded: true,
};

const files = [
  "pkg-1.0-py3-none-any.whl",
  "pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
  "pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl",
  "pkg-1.0-cp311-cp311-musllinux_1_1_x86_64.whl",
  "pkg-1.0-cp39-abi3-manylinux_2_17_x86_64.whl",
  "pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl",
  "pkg-1.0-cp312-cp312-macosx_10_9_universal2.whl",
  "pkg-1.0-cp38-abi3-macosx_10_9_universal2.whl",
  "pkg-1.0-cp313-cp313-win_amd64.whl",
  "pkg-1.0-cp313-cp313t-win_amd64.whl",
  "pkg-1.0-py2-none-any.whl",
  "pkg-1.0.tar.gz",
].map((filename) => ({ filename }));

describe("TagPriority.bestWheel", () => {
  test.each([
    ["linux 3.11 glibc 2.35", linux311, "pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl"],
    [
      "linux 3.11 glibc 2.17",
      { ...linux311, libc: { kind: "glibc", version: [2, 17] } },
      "pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ],
    [
      "linux 3.11 glibc 2.12",
      { ...linux311, libc: { kind: "glibc", version: [2, 12] } },
      "pkg-1.0-py3-none-any.whl",
    ],
    [
      "linux 3.11 musl 1.2",
      { ...linux311, libc: { kind: "musl", version: [1, 2] } },
      "pkg-1.0-cp311-cp311-musllinux_1_1_x86_64.whl",
    ],
    [
      "linux 3.12 glibc 2.35 (abi3)",
      { ...linux311, pythonVersion: [3, 12] },
      "pkg-1.0-cp39-abi3-manylinux_2_17_x86_64.whl",
    ],
    ["macOS 14 arm64 3.12", mac12arm, "pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl"],
    [
      "macOS 14 arm64 3.13 (abi3 universal2)",
      { ...mac12arm, pythonVersion: [3, 13] },
      "pkg-1.0-cp38-abi3-macosx_10_9_universal2.whl",
    ],
    ["windows 3.13t", win313t, "pkg-1.0-cp313-cp313t-win_amd64.whl"],
    ["windows 3.13", { ...win313t, freeThreaded: false }, "pkg-1.0-cp313-cp313-win_amd64.whl"],
    [
      "pypy 3.10 linux",
      { ...linux311, implementation: "pypy", pythonVersion: [3, 10] },
      "pkg-1.0-py3-none-any.whl",
    ],
  ] as [string, TargetEnv, string][])("%s", (_, target, best) => {
    const priority = TagPriority.forTarget(target);
    expect(priority.bestWheel(files)?.filename).toBe(best);
    // The choice does not depend on the order the index listed the files in.
    expect(priority.bestWheel([...files].reverse())?.filename).toBe(best);
  });

  test("python 2 only wheels and sdists are never chosen", () => {
    const priority = TagPriority.forTarget(linux311);
    expect(priority.bestWheel(files.slice(-2))).toBeUndefined();
    expect(priority.isCompatible("pkg-1.0-py2.py3-none-any.whl")).toBe(true);
  });

  test("ties: higher build tag, then file name", () => {
    const priority = TagPriority.forTarget(linux311);
    const tied = [
      { filename: "pkg-1.0-2-py3-none-any.whl" },
      { filename: "pkg-1.0-10-py3-none-any.whl" },
      { filename: "pkg-1.0-py3-none-any.whl" },
    ];
    expect(priority.bestWheel(tied)?.filename).toBe("pkg-1.0-10-py3-none-any.whl");
    const names = [{ filename: "pkg_b-1.0-py3-none-any.whl" }, { filename: "pkg_a-1.0-py3-none-any.whl" }];
    expect(priority.bestWheel(names)?.filename).toBe("pkg_a-1.0-py3-none-any.whl");
    expect(priority.bestWheel([...names].reverse())?.filename).toBe("pkg_a-1.0-py3-none-any.whl");
  });

  test("priority is position based, case-insensitive, and undefined when unsupported", () => {
    const priority = new TagPriority(["cp312-cp312-win_amd64", "py3-none-any"]);
    expect(priority.priority("cp312-cp312-win_amd64")).toBe(2);
    expect(priority.priority({ interpreter: "PY3", abi: "none", platform: "any" })).toBe(1);
    expect(priority.priority("py2-none-any")).toBeUndefined();
  });
});
