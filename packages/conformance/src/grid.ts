/**
 * The grid of environments universal results are compared over: each OS (Linux, macOS, Windows)
 * × each Python minor inside a requires-python, at the lowest patch release the range admits.
 */
import { SpecifierSet, Version } from "@lockstep/pep440";
import type { MarkerEnvironment } from "@lockstep/pep508";
import { markerEnvironmentFor } from "@lockstep/wheel";
import type { TargetEnv } from "@lockstep/wheel";

export interface GridPoint {
  label: string;
  env: MarkerEnvironment;
}

const OSES: Array<Pick<TargetEnv, "os" | "arch">> = [
  { os: "linux", arch: "x86_64" },
  { os: "macos", arch: "arm64" },
  { os: "windows", arch: "x86_64" },
];

export function environmentGrid(
  requiresPython: string | undefined,
  minors = { from: 6, to: 14 },
): GridPoint[] {
  const spec = SpecifierSet.parse(requiresPython ?? "");
  const points: GridPoint[] = [];
  for (let minor = minors.from; minor <= minors.to; minor++) {
    let patch: number | undefined;
    for (let p = 0; p <= 20; p++) {
      if (spec.contains(Version.parse(`3.${minor}.${p}`), { prereleases: true })) {
        patch = p;
        break;
      }
    }
    if (patch === undefined) continue;
    for (const os of OSES) {
      const env = markerEnvironmentFor({
        implementation: "cpython",
        pythonVersion: [3, minor],
        pythonPatch: patch,
        ...os,
      });
      points.push({ label: `${os.os} 3.${minor}.${patch}`, env });
    }
  }
  return points;
}
