/**
 * Hand-built resolutions for the lockfile tests (goldens, round trips, selection grids), in the shape
 * the resolver returns. Hashes are sha256 of the file name and upload times fixed, so everything is
 * deterministic. Not a test file: imported by several.
 */
import { createHash } from "node:crypto";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Marker } from "@lockstep/pep508";
import { WheelFilename } from "@lockstep/wheel";
import type { ResolvedEdge, ResolvedFile, ResolvedGraph, ResolvedNode } from "../src/from-resolution";
import type { LockInputs } from "../src/lock-inputs";
import { lockInputs } from "./lock-inputs";

type DistFile = ResolvedFile;
type ResolvedDependency = ResolvedEdge;
type ResolvedPackage = ResolvedNode;
/** A graph whose lists tests may replace (shuffled, edited). */
export interface Resolution extends ResolvedGraph {
  packages: ResolvedPackage[];
  rootDependencies: ResolvedDependency[];
  forks: Marker[];
}

export const INDEX = "https://pypi.example/simple/";

function file(filename: string): DistFile {
  const name = filename.split("-")[0] as string;
  return {
    filename,
    url: `https://files.example/${name}/${filename}`,
    hashes: { sha256: createHash("sha256").update(filename).digest("hex") },
    size: 1000 + filename.length,
    uploadTime: "2024-05-01T12:30:00.123456Z",
    source: INDEX,
  };
}

export interface PackageSpec {
  name: string;
  version: string;
  marker?: string;
  requiresPython?: string;
  /** Wheel tag triples (`py3-none-any`). */
  wheels?: string[];
  sdist?: boolean;
  deps?: Array<[name: string, version: string, marker?: string]>;
}

export function resolvedPackage(spec: PackageSpec): ResolvedPackage {
  const under = spec.name.replace(/-/g, "_");
  const wheels = (spec.wheels ?? []).map((tags) => {
    const f = file(`${under}-${spec.version}-${tags}.whl`);
    return { file: f, filename: WheelFilename.parse(f.filename) };
  });
  return {
    name: spec.name,
    version: Version.parse(spec.version),
    marker: Marker.parse(spec.marker ?? ""),
    candidate: {
      wheels,
      sdist: spec.sdist === false ? undefined : file(`${under}-${spec.version}.tar.gz`),
      requiresPython: spec.requiresPython ? SpecifierSet.parse(spec.requiresPython) : undefined,
    },
    dependencies: (spec.deps ?? []).map(dep),
  };
}

function dep([name, version]: [string, string, string?]): ResolvedDependency {
  return { name, version: Version.parse(version) };
}

export function resolution(
  packages: PackageSpec[],
  rootDeps: Array<[string, string, string?]>,
  forks: string[] = [],
): Resolution {
  return {
    forks: forks.map((f) => Marker.parse(f)),
    packages: packages.map(resolvedPackage),
    rootDependencies: rootDeps.map(dep),
  };
}

const cpWheels = (minors: number[], abi = (m: number) => `cp3${m}`) =>
  minors.flatMap((m) => [
    `cp3${m}-${abi(m)}-manylinux_2_17_x86_64.manylinux2014_x86_64`,
    `cp3${m}-${abi(m)}-macosx_11_0_arm64`,
    `cp3${m}-${abi(m)}-win_amd64`,
  ]);

export const APP_INPUTS: LockInputs = lockInputs({
  projectName: "app",
  projectVersion: "0.1.0",
  requiresPython: ">=3.9",
  dependencies: ["httpx>=0.27", "numpy", "colorama; sys_platform == 'win32'"],
  optionalDependencies: { socks: ["socksio>=1.0"] },
  dependencyGroups: { dev: ["pytest>=8"] },
  defaultGroups: ["dev"],
  indexes: [{ name: "example", url: INDEX }],
  isPackage: true,
});

const PY_OLD = "python_full_version < '3.10'";
const PY_NEW = "python_full_version >= '3.10'";

/** A universal lock: platform wheels, numpy split by Python, an extra, a group, a win32-only dep. */
export const APP_PACKAGES: PackageSpec[] = [
  {
    name: "httpx",
    version: "0.27.2",
    requiresPython: ">=3.8",
    wheels: ["py3-none-any"],
    deps: [
      ["anyio", "4.6.0"],
      ["idna", "3.10"],
    ],
  },
  {
    name: "anyio",
    version: "4.6.0",
    requiresPython: ">=3.9",
    wheels: ["py3-none-any"],
    deps: [
      ["idna", "3.10"],
      ["exceptiongroup", "1.2.2", PY_OLD],
    ],
  },
  { name: "idna", version: "3.10", wheels: ["py3-none-any"] },
  { name: "exceptiongroup", version: "1.2.2", marker: PY_OLD, wheels: ["py3-none-any"] },
  {
    name: "numpy",
    version: "1.26.4",
    marker: PY_OLD,
    requiresPython: ">=3.9",
    wheels: [...cpWheels([8, 9])],
  },
  {
    name: "numpy",
    version: "2.1.0",
    marker: PY_NEW,
    requiresPython: ">=3.10",
    wheels: [...cpWheels([10, 11, 12, 13]), "cp313-cp313t-manylinux_2_17_x86_64"],
  },
  { name: "colorama", version: "0.4.6", marker: "sys_platform == 'win32'", wheels: ["py2.py3-none-any"] },
  { name: "socksio", version: "1.0.0", marker: "'socks' in extras", sdist: true, wheels: ["py3-none-any"] },
  {
    name: "pytest",
    version: "8.3.3",
    marker: "'dev' in dependency_groups",
    wheels: ["py3-none-any"],
    deps: [
      ["iniconfig", "2.0.0"],
      ["colorama", "0.4.6", "sys_platform == 'win32'"],
    ],
  },
  { name: "iniconfig", version: "2.0.0", marker: "'dev' in dependency_groups", wheels: ["py3-none-any"] },
  { name: "legacy", version: "1.0", marker: PY_OLD, wheels: [] },
];

export const APP_ROOT_DEPS: Array<[string, string, string?]> = [
  ["httpx", "0.27.2"],
  ["numpy", "1.26.4", PY_OLD],
  ["numpy", "2.1.0", PY_NEW],
  ["colorama", "0.4.6", "sys_platform == 'win32'"],
  ["socksio", "1.0.0", "'socks' in extras"],
  ["pytest", "8.3.3", "'dev' in dependency_groups"],
  ["legacy", "1.0", PY_OLD],
];

export function appResolution(): Resolution {
  return resolution(APP_PACKAGES, APP_ROOT_DEPS, [PY_OLD, PY_NEW]);
}

export const SERVICE_INPUTS: LockInputs = {
  projectName: "Service_API",
  dependencies: ["uvloop>=0.19"],
  optionalDependencies: {},
  dependencyGroups: {},
  defaultGroups: [],
  constraints: ["uvloop<1"],
  overrides: [],
  environments: ["sys_platform == 'linux'", "sys_platform == 'darwin'"],
  conflicts: [],
  requiredEnvironments: [],
  indexStrategy: "first-index",
  indexes: [],
  resolution: "lowest-direct",
  prerelease: "allow",
  excludeNewer: "2024-06-01T00:00:00Z",
  isPackage: false,
  requiresPython: ">=3.11",
};

/** A virtual project locked for Linux and macOS only; uvloop has no Windows wheel and no sdist. */
export function serviceResolution(): Resolution {
  return resolution(
    [
      {
        name: "uvloop",
        version: "0.20.0",
        requiresPython: ">=3.8",
        sdist: false,
        wheels: [
          "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64",
          "cp311-cp311-macosx_10_9_x86_64",
          "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
          "cp312-cp312-macosx_10_9_x86_64",
          "cp38-cp38-manylinux_2_17_x86_64",
        ],
      },
    ],
    [["uvloop", "0.20.0"]],
  );
}
