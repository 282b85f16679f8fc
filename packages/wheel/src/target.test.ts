import { Marker } from "@lockstep/pep508";
import { describe, expect, test } from "vitest";
import { markerEnvironmentFor, targetFromMarkerEnvironment, type TargetEnv } from "./target";

const cases: [TargetEnv, Record<string, string>][] = [
  [
    { implementation: "cpython", pythonVersion: [3, 12], pythonPatch: 4, os: "linux", arch: "x86_64" },
    {
      implementation_name: "cpython",
      implementation_version: "3.12.4",
      os_name: "posix",
      platform_machine: "x86_64",
      platform_python_implementation: "CPython",
      platform_release: "",
      platform_system: "Linux",
      platform_version: "",
      python_full_version: "3.12.4",
      python_version: "3.12",
      sys_platform: "linux",
    },
  ],
  [
    { implementation: "cpython", pythonVersion: [3, 9], os: "windows", arch: "x86_64" },
    {
      implementation_name: "cpython",
      implementation_version: "3.9.0",
      os_name: "nt",
      platform_machine: "AMD64",
      platform_python_implementation: "CPython",
      platform_release: "",
      platform_system: "Windows",
      platform_version: "",
      python_full_version: "3.9.0",
      python_version: "3.9",
      sys_platform: "win32",
    },
  ],
  [
    {
      implementation: "pypy",
      pythonVersion: [3, 10],
      pythonPatch: 14,
      os: "macos",
      arch: "arm64",
      pypyVersion: [7, 3],
    },
    {
      implementation_name: "pypy",
      implementation_version: "7.3.0",
      os_name: "posix",
      platform_machine: "arm64",
      platform_python_implementation: "PyPy",
      platform_release: "",
      platform_system: "Darwin",
      platform_version: "",
      python_full_version: "3.10.14",
      python_version: "3.10",
      sys_platform: "darwin",
    },
  ],
];

describe("markerEnvironmentFor", () => {
  test.each(cases)("%j", (target, env) => {
    expect(markerEnvironmentFor(target)).toEqual(env);
  });

  test.each([
    ["windows", "i686", "x86"],
    ["windows", "aarch64", "ARM64"],
    ["macos", "aarch64", "arm64"],
    ["macos", "universal2", "arm64"],
    ["linux", "arm64", "aarch64"],
    ["linux", "ppc64le", "ppc64le"],
  ] as const)("platform_machine on %s/%s is %s", (os, arch, machine) => {
    expect(
      markerEnvironmentFor({ implementation: "cpython", pythonVersion: [3, 12], os, arch }).platform_machine,
    ).toBe(machine);
  });
});

describe("targetFromMarkerEnvironment", () => {
  test.each(cases)("round-trips %j", (target, env) => {
    const extras = target.pypyVersion ? { pypyVersion: target.pypyVersion } : {};
    expect(targetFromMarkerEnvironment(env as never, extras)).toEqual({ pythonPatch: 0, ...target });
  });

  test("extras fill in what markers cannot say, only where they apply", () => {
    const env = markerEnvironmentFor({
      implementation: "cpython",
      pythonVersion: [3, 13],
      os: "linux",
      arch: "aarch64",
    });
    expect(
      targetFromMarkerEnvironment(env, {
        libc: { kind: "musl", version: [1, 2] },
        macosVersion: [14, 0],
        freeThreaded: true,
      }),
    ).toEqual({
      implementation: "cpython",
      pythonVersion: [3, 13],
      pythonPatch: 0,
      os: "linux",
      arch: "aarch64",
      libc: { kind: "musl", version: [1, 2] },
      freeThreaded: true,
    });
  });

  test.each([
    [{ sys_platform: "cygwin" }, 'The platform sys_platform="cygwin" is not supported'],
    [{ python_full_version: "three" }, 'The Python version python_full_version="three" is not supported'],
  ])("%j is refused", (override, message) => {
    const env = { ...markerEnvironmentFor(cases[0]![0]), ...override };
    expect(() => targetFromMarkerEnvironment(env)).toThrow(message);
  });
});

describe("marker environments drive @lockstep/pep508", () => {
  const marker = Marker.parse(
    'sys_platform == "win32" and platform_machine == "AMD64" and python_full_version >= "3.9.0" or os_name == "posix" and implementation_name == "pypy"',
  );
  test.each([
    [cases[0]![0], false],
    [cases[1]![0], true],
    [cases[2]![0], true],
    [{ ...cases[1]![0], pythonVersion: [3, 8] }, false],
  ] as [TargetEnv, boolean][])("%j", (target, expected) => {
    expect(marker.evaluate(markerEnvironmentFor(target))).toBe(expected);
  });
});
