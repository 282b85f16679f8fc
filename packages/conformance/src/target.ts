/**
 * Packse's `python_platform` values (uv's `--python-platform`: `linux`, `macos`, `windows`, target
 * triples such as `aarch64-apple-darwin`, and `x86_64-manylinux_2_17`-style tags) as lockstep
 * targets. A value we cannot map is reported, not guessed: resolving for the wrong platform would
 * make a scenario pass or fail for the wrong reason.
 * Pitfalls: `darwin` contains `win`, so the OS is matched on whole dash-separated parts; iOS,
 * Android and Pyodide (`*-apple-ios`, `*-linux-android`, `wasm32-pyodide2024`) are targets lockstep
 * has no tags for.
 */
import type { TargetArch, TargetEnv } from "@lockstep/wheel";

export type PlatformTarget = { ok: true; target: TargetEnv } | { ok: false; reason: string };

const ARCHES: Record<string, TargetArch> = {
  x86_64: "x86_64",
  amd64: "x86_64",
  aarch64: "aarch64",
  arm64: "aarch64",
  i686: "i686",
  armv7: "armv7l",
  armv7l: "armv7l",
  ppc64: "ppc64",
  ppc64le: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

const LEGACY_MANYLINUX: Record<string, [number, number]> = {
  manylinux2014: [2, 17],
  manylinux2010: [2, 12],
  manylinux1: [2, 5],
};

export function targetFromPlatform(
  platform: string | undefined,
  python: [number, number],
  patch: number,
): PlatformTarget {
  const base = { implementation: "cpython" as const, pythonVersion: python, pythonPatch: patch };
  const p = (platform ?? "x86_64-manylinux_2_35").toLowerCase();
  const parts = p.split("-");
  const unsupported = (why: string): PlatformTarget => ({
    ok: false,
    reason: `unsupported python_platform \`${platform}\`: ${why}`,
  });
  if (parts.some((x) => x === "ios" || x === "android" || x.startsWith("pyodide") || x === "wasm32"))
    return unsupported("lockstep has no platform tags for iOS, Android or Pyodide");
  const arch: TargetArch = parts.length > 1 ? (ARCHES[parts[0]!] ?? "x86_64") : "x86_64";
  if (parts.length > 1 && ARCHES[parts[0]!] === undefined)
    return unsupported(`unknown architecture \`${parts[0]}\``);
  if (parts.includes("windows") || parts.includes("win32"))
    return { ok: true, target: { ...base, os: "windows", arch } };
  if (parts.includes("macos") || parts.includes("darwin"))
    return { ok: true, target: { ...base, os: "macos", arch: arch === "aarch64" ? "arm64" : arch } };
  const musl = parts.find((x) => x === "musl" || x.startsWith("musllinux"));
  if (musl !== undefined) {
    const m = /^musllinux_(\d+)_(\d+)$/.exec(musl);
    const version: [number, number] = m ? [Number(m[1]), Number(m[2])] : [1, 2];
    return { ok: true, target: { ...base, os: "linux", arch, libc: { kind: "musl", version } } };
  }
  for (const x of parts) {
    const m = /^manylinux_(\d+)_(\d+)$/.exec(x);
    if (m) {
      const version: [number, number] = [Number(m[1]), Number(m[2])];
      return { ok: true, target: { ...base, os: "linux", arch, libc: { kind: "glibc", version } } };
    }
    const legacy = LEGACY_MANYLINUX[x];
    if (legacy)
      return { ok: true, target: { ...base, os: "linux", arch, libc: { kind: "glibc", version: legacy } } };
  }
  if (parts.includes("linux"))
    return { ok: true, target: { ...base, os: "linux", arch, libc: { kind: "glibc", version: [2, 35] } } };
  return unsupported("not a Linux, macOS or Windows target");
}
