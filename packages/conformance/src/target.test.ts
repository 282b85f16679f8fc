import { describe, expect, test } from "vitest";
import { targetFromPlatform } from "./target";

describe("python_platform → target", () => {
  test.each([
    [undefined, "linux x86_64 glibc 2.35"],
    ["linux", "linux x86_64 glibc 2.35"],
    ["x86_64-unknown-linux-gnu", "linux x86_64 glibc 2.35"],
    ["x86_64-manylinux2014", "linux x86_64 glibc 2.17"],
    ["aarch64-manylinux_2_28", "linux aarch64 glibc 2.28"],
    ["aarch64-unknown-linux-musl", "linux aarch64 musl 1.2"],
    ["x86_64-musllinux_1_1", "linux x86_64 musl 1.1"],
    ["windows", "windows x86_64"],
    ["x86_64-pc-windows-msvc", "windows x86_64"],
    ["i686-pc-windows-msvc", "windows i686"],
    ["macos", "macos x86_64"],
    // `darwin` contains `win`: this once resolved for Windows.
    ["aarch64-apple-darwin", "macos arm64"],
    ["x86_64-apple-darwin", "macos x86_64"],
    [
      "arm64-apple-ios",
      "unsupported python_platform `arm64-apple-ios`: lockstep has no platform tags for iOS, Android or Pyodide",
    ],
    [
      "aarch64-linux-android",
      "unsupported python_platform `aarch64-linux-android`: lockstep has no platform tags for iOS, Android or Pyodide",
    ],
    ["sparc-sun-solaris", "unsupported python_platform `sparc-sun-solaris`: unknown architecture `sparc`"],
    ["freebsd", "unsupported python_platform `freebsd`: not a Linux, macOS or Windows target"],
  ])("%s → %s", (platform, expected) => {
    const r = targetFromPlatform(platform, [3, 12], 0);
    const text = r.ok
      ? [
          r.target.os,
          r.target.arch,
          r.target.libc && `${r.target.libc.kind} ${r.target.libc.version.join(".")}`,
        ]
          .filter(Boolean)
          .join(" ")
      : r.reason;
    expect(text).toBe(expected);
  });
});
