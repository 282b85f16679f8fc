/**
 * lockstep's side of the differential tests and the benchmark: a root made of requirement strings,
 * resolved through `resolvePython` against an index URL, with the outcome classified the way
 * `pip-runner.ts` classifies pip's.
 */
import { IndexClient } from "@lockstep/index";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Requirement } from "@lockstep/pep508";
import { TagPriority, markerEnvironmentFor } from "@lockstep/wheel";
import type { TargetEnv } from "@lockstep/wheel";
import type { ResolveOptions } from "../src/python/options";
import type { RootInput } from "../src/python/root-input";
import { ResolutionError, resolvePython } from "../src/python/resolve";
import type { Resolution } from "../src/python/resolve";

/** The interpreter pip runs with here: CPython 3.11.7 on glibc Linux x86_64. */
export const PIP_TARGET: TargetEnv = {
  implementation: "cpython",
  pythonVersion: [3, 11],
  pythonPatch: 7,
  os: "linux",
  arch: "x86_64",
  libc: { kind: "glibc", version: [2, 35] },
};

export function rootOf(requirements: readonly string[], name = "differential-root"): RootInput {
  return {
    name,
    version: Version.parse("0.0.0"),
    dependencies: requirements.map((r) => Requirement.parse(r)),
    extras: new Map(),
    groups: new Map(),
  };
}

export function specificOptions(target: TargetEnv = PIP_TARGET): ResolveOptions {
  return {
    target: { kind: "specific", markers: markerEnvironmentFor(target), tags: TagPriority.forTarget(target) },
    requiresPython: undefined,
  };
}

export function universalOptions(requiresPython: string): ResolveOptions {
  return { target: { kind: "universal" }, requiresPython: SpecifierSet.parse(requiresPython) };
}

export type LockstepOutcome =
  | { kind: "solved"; resolution: Resolution; wallMs: number }
  | { kind: "no-solution"; report: string; wallMs: number };

export function newClient(indexUrl: string, cacheDir: string): IndexClient {
  return new IndexClient({ indexes: [{ url: indexUrl, default: true }], cacheDir });
}

/** Resolve; a ResolutionError becomes `no-solution`, anything else is thrown. */
export async function lockstepResolve(
  client: IndexClient,
  requirements: readonly string[],
  options: ResolveOptions,
): Promise<LockstepOutcome> {
  const started = performance.now();
  try {
    const resolution = await resolvePython(client, rootOf(requirements), options);
    return { kind: "solved", resolution, wallMs: performance.now() - started };
  } catch (err) {
    if (err instanceof ResolutionError)
      return { kind: "no-solution", report: err.message, wallMs: performance.now() - started };
    throw err;
  }
}
