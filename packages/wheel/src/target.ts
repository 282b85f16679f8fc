/**
 * A target environment: the interpreter and platform we resolve or install for, described as data so
 * that the resolver and the lockfile can reason about an OS × Python grid without running Python.
 *
 * Pitfalls: the same machine has different names in different places — PEP 508 `platform_machine` is
 * `AMD64` on Windows but `x86_64` on Linux and macOS, and `arm64` on macOS but `aarch64` on Linux; the
 * platform *tag* is `win_amd64`, `macosx_11_0_arm64`, `manylinux_2_17_aarch64`. We keep one canonical
 * `arch` per target and translate at the edges. Values we cannot know from a target alone
 * (`platform_release`, `platform_version`) are left empty rather than guessed.
 */

import { LockstepError } from "@lockstep/errors";
import type { MarkerEnvironment } from "@lockstep/pep508";

export type TargetOs = "linux" | "macos" | "windows";

/** Architecture names as used in platform tags (`arm64` and `aarch64` are accepted on every OS). */
export type TargetArch =
  | "x86_64"
  | "aarch64"
  | "arm64"
  | "i686"
  | "universal2"
  | "armv7l"
  | "ppc64"
  | "ppc64le"
  | "s390x"
  | "riscv64";

export interface Libc {
  kind: "glibc" | "musl";
  version: readonly [number, number];
}

export interface TargetEnv {
  implementation: "cpython" | "pypy";
  pythonVersion: readonly [number, number];
  /** The patch release, for `python_full_version`; 0 when unknown. */
  pythonPatch?: number;
  os: TargetOs;
  arch: TargetArch;
  /** Linux only; defaults to glibc 2.17 (the manylinux2014 baseline). */
  libc?: Libc;
  /** macOS only; defaults to 12.0. */
  macosVersion?: readonly [number, number];
  /** CPython 3.13+ built without the GIL: ABI `cp313t`, stable ABI `abi3t` instead of `abi3`. */
  freeThreaded?: boolean;
  /** PyPy's own version, which names its ABI (`pypy310_pp73`); defaults to 7.3. */
  pypyVersion?: readonly [number, number];
}

export const DEFAULT_GLIBC: Libc = { kind: "glibc", version: [2, 17] };
export const DEFAULT_MACOS_VERSION: readonly [number, number] = [12, 0];
export const DEFAULT_PYPY_VERSION: readonly [number, number] = [7, 3];

/** The PEP 508 environment markers, as `@lockstep/pep508` evaluates them. */
export type TargetMarkerEnvironment = MarkerEnvironment;

/** The `platform_machine` value Python reports for this target. */
export function platformMachine(target: TargetEnv): string {
  switch (target.os) {
    case "windows":
      if (target.arch === "x86_64") return "AMD64";
      if (target.arch === "i686") return "x86";
      if (target.arch === "aarch64" || target.arch === "arm64") return "ARM64";
      return target.arch;
    case "macos":
      // A universal2 interpreter reports the machine it runs on; Apple silicon is the common case.
      if (target.arch === "aarch64" || target.arch === "universal2") return "arm64";
      return target.arch;
    case "linux":
      return target.arch === "arm64" ? "aarch64" : target.arch;
  }
}

export function markerEnvironmentFor(target: TargetEnv): TargetMarkerEnvironment {
  const [major, minor] = target.pythonVersion;
  const full = `${major}.${minor}.${target.pythonPatch ?? 0}`;
  const pypy = target.implementation === "pypy";
  const [pypyMajor, pypyMinor] = target.pypyVersion ?? DEFAULT_PYPY_VERSION;
  const byOs = {
    linux: { os_name: "posix", sys_platform: "linux", platform_system: "Linux" },
    macos: { os_name: "posix", sys_platform: "darwin", platform_system: "Darwin" },
    windows: { os_name: "nt", sys_platform: "win32", platform_system: "Windows" },
  }[target.os];
  return {
    implementation_name: target.implementation,
    implementation_version: pypy ? `${pypyMajor}.${pypyMinor}.0` : full,
    os_name: byOs.os_name,
    platform_machine: platformMachine(target),
    platform_python_implementation: pypy ? "PyPy" : "CPython",
    platform_release: "",
    platform_system: byOs.platform_system,
    platform_version: "",
    python_full_version: full,
    python_version: `${major}.${minor}`,
    sys_platform: byOs.sys_platform,
  };
}

export type TargetExtras = Pick<TargetEnv, "libc" | "macosVersion" | "freeThreaded" | "pypyVersion">;

/**
 * The inverse of `markerEnvironmentFor`, for an environment reported by a real interpreter. What the
 * markers cannot say (libc, macOS version, free-threading) comes from `extras`.
 */
export function targetFromMarkerEnvironment(
  env: Pick<
    TargetMarkerEnvironment,
    "sys_platform" | "platform_machine" | "python_full_version" | "implementation_name"
  >,
  extras: TargetExtras = {},
): TargetEnv {
  const os: TargetOs | undefined =
    env.sys_platform === "linux"
      ? "linux"
      : env.sys_platform === "darwin"
        ? "macos"
        : env.sys_platform === "win32"
          ? "windows"
          : undefined;
  if (os === undefined)
    throw new LockstepError(
      "target-unsupported",
      `The platform sys_platform=${JSON.stringify(env.sys_platform)} is not supported`,
      { hint: "lockstep targets Linux, macOS and Windows" },
    );
  const machine = env.platform_machine.toLowerCase();
  const arch = (
    machine === "amd64" || machine === "x86_64"
      ? "x86_64"
      : machine === "arm64" || machine === "aarch64"
        ? os === "macos"
          ? "arm64"
          : "aarch64"
        : machine === "x86" || machine === "i386" || machine === "i686"
          ? "i686"
          : machine
  ) as TargetArch;
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(env.python_full_version);
  if (!match)
    throw new LockstepError(
      "target-unsupported",
      `The Python version python_full_version=${JSON.stringify(env.python_full_version)} is not supported`,
    );
  const implementation = env.implementation_name === "pypy" ? "pypy" : "cpython";
  const target: TargetEnv = {
    implementation,
    pythonVersion: [Number(match[1]), Number(match[2])],
    pythonPatch: Number(match[3] ?? 0),
    os,
    arch,
  };
  if (extras.libc && os === "linux") target.libc = extras.libc;
  if (extras.macosVersion && os === "macos") target.macosVersion = extras.macosVersion;
  if (extras.freeThreaded) target.freeThreaded = true;
  if (extras.pypyVersion && implementation === "pypy") target.pypyVersion = extras.pypyVersion;
  return target;
}
