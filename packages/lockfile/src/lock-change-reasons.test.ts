import { describe, expect, test } from "vitest";
import { Version } from "@lockstep/pep440";
import { Marker } from "@lockstep/pep508";
import { diffLocks, formatLockChange } from "./diff-locks";
import type { Lock, LockPackage } from "./lock";
import type { LockInputs } from "./lock-inputs";
import { explainLockChanges } from "./lock-change-reasons";
import type { ReasonOptions } from "./lock-change-reasons";
import { APP_INPUTS } from "../testing";

/** `name==version -> dep dep` : a package entry with name-only dependency edges. */
function pkg(spec: string): LockPackage {
  const [id, deps = ""] = spec.split(" -> ");
  const [name, version] = (id as string).split("==");
  return {
    name: name as string,
    version: Version.parse(version as string),
    marker: Marker.TRUE,
    requiresPython: undefined,
    dependencies: deps
      .split(" ")
      .filter((d) => d)
      .map((d) => ({ name: d, version: undefined })),
    index: undefined,
    source: { kind: "files", sdist: undefined, wheels: [] },
  };
}

function lock(inputs: Partial<LockInputs> | undefined, packages: string[]): Lock {
  return {
    lockVersion: "1.0",
    environments: [],
    requiresPython: undefined,
    extras: [],
    dependencyGroups: [],
    defaultGroups: [],
    createdBy: "lockstep",
    packages: packages.map(pkg),
    lockstep: inputs ? { fingerprint: "", inputs: { ...APP_INPUTS, ...inputs }, forks: [] } : undefined,
  };
}

const BASE = { dependencies: ["web>=1"], optionalDependencies: {}, dependencyGroups: { dev: ["tester"] } };
const BEFORE = ["web==1.0 -> idna", "idna==3.4", "tester==8.0 -> plain", "plain==1.0"];

describe("explainLockChanges", () => {
  test.each<[string, Partial<LockInputs> | undefined, string[], ReasonOptions, string[]]>([
    [
      "a changed requirement updates its package and adds what the new version needs",
      { ...BASE, dependencies: ["web>=2"] },
      ["web==2.0 -> idna socks", "idna==3.4", "socks==1.7", "tester==8.0 -> plain", "plain==1.0"],
      {},
      [
        "Added socks v1.7 (requirement changed: web>=2)",
        "Updated web v1.0 -> v2.0 (requirement changed: web>=2)",
      ],
    ],
    [
      "a new requirement of a package already locked moves it",
      { ...BASE, dependencies: ["web>=1", "idna<3.4"] },
      ["web==1.0 -> idna", "idna==3.3", "tester==8.0 -> plain", "plain==1.0"],
      {},
      ["Updated idna v3.4 -> v3.3 (new requirement idna<3.4)"],
    ],
    [
      "a removed group requirement, and what only it needed",
      { ...BASE, dependencyGroups: { dev: [] } },
      ["web==1.0 -> idna", "idna==3.4"],
      {},
      [
        "Removed plain v1.0 (no longer required)",
        "Removed tester v8.0 (requirement removed: tester (group dev))",
      ],
    ],
    [
      "--upgrade-package names the package; what moved below it names the flag",
      BASE,
      ["web==1.1 -> idna", "idna==3.7", "tester==8.0 -> plain", "plain==1.0"],
      { upgradePackages: new Set(["web"]) },
      [
        "Updated idna v3.4 -> v3.7 (required by web v1.1)",
        "Updated web v1.0 -> v1.1 (--upgrade-package web)",
      ],
    ],
    [
      "--upgrade",
      BASE,
      ["web==1.0 -> idna", "idna==3.7", "tester==8.0 -> plain", "plain==1.0"],
      { upgrade: true },
      ["Updated idna v3.4 -> v3.7 (--upgrade)"],
    ],
    [
      "another changed input when no requirement explains it",
      { ...BASE, requiresPython: ">=3.12" },
      ["web==1.0 -> idna", "idna==3.7", "tester==8.0 -> plain", "plain==1.0"],
      {},
      ["Updated idna v3.4 -> v3.7 (requires-python changed)"],
    ],
    [
      "a lock without recorded inputs gets no requirement reasons",
      undefined,
      ["web==1.0 -> idna", "idna==3.7", "tester==8.0 -> plain", "plain==1.0"],
      {},
      ["Updated idna v3.4 -> v3.7"],
    ],
  ])("%s", (_title, inputs, after, opts, expected) => {
    const before = lock(inputs === undefined ? undefined : BASE, BEFORE);
    const now = lock(inputs, after);
    expect(explainLockChanges(before, now, diffLocks(before, now), opts).map(formatLockChange)).toEqual(
      expected,
    );
  });
});
