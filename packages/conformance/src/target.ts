/**
 * Packse's `python_platform` values (uv's `--python-platform`) as lockstep targets.
 */
import type { TargetEnv } from "@lockstep/wheel";

export function targetFromPlatform(
  platform: string | undefined,
  python: [number, number],
  patch: number,
): TargetEnv {
  const base = { implementation: "cpython" as const, pythonVersion: python, pythonPatch: patch };
  const p = (platform ?? "x86_64-manylinux_2_35").toLowerCase();
  const arch =
    p.startsWith("aarch64") || p.startsWith("arm64") ? "aarch64" : p.startsWith("i686") ? "i686" : "x86_64";
  if (p.includes("windows") || p.includes("win"))
    return { ...base, os: "windows", arch: arch === "aarch64" ? "aarch64" : "x86_64" };
  if (p.includes("macos") || p.includes("darwin") || p.includes("apple"))
    return { ...base, os: "macos", arch: arch === "aarch64" ? "arm64" : "x86_64" };
  if (p.includes("musl")) return { ...base, os: "linux", arch, libc: { kind: "musl", version: [1, 2] } };
  const m = /manylinux_(\d+)_(\d+)/.exec(p);
  if (m)
    return { ...base, os: "linux", arch, libc: { kind: "glibc", version: [Number(m[1]), Number(m[2])] } };
  const legacy: Record<string, [number, number]> = {
    manylinux2014: [2, 17],
    manylinux2010: [2, 12],
    manylinux1: [2, 5],
  };
  for (const [k, v] of Object.entries(legacy))
    if (p.includes(k)) return { ...base, os: "linux", arch, libc: { kind: "glibc", version: v } };
  return { ...base, os: "linux", arch, libc: { kind: "glibc", version: [2, 35] } };
}
