/** The validator must catch each kind of wrong answer, or the differential tests prove nothing. */
import { markerEnvironmentFor } from "@lockstep/wheel";
import { describe, expect, test } from "vitest";
import type { Universe } from "@lockstep/fixtures";
import type { Chosen } from "./validator";
import { validateInstallSet } from "./validator";

const linux311 = markerEnvironmentFor({
  implementation: "cpython",
  pythonVersion: [3, 11],
  pythonPatch: 7,
  os: "linux",
  arch: "x86_64",
});
const win39 = markerEnvironmentFor({
  implementation: "cpython",
  pythonVersion: [3, 9],
  os: "windows",
  arch: "x86_64",
});

const universe: Universe = {
  name: "validator",
  packages: {
    App: {
      versions: {
        "1.0": { requiresDist: ["lib>=2", "winonly ; sys_platform == 'win32'", "plug ; extra == 'plugins'"] },
      },
    },
    lib: { versions: { "1.0": {}, "2.0": { requiresPython: ">=3.10" }, "2.1.0a1": {} } },
    winonly: { versions: { "1.0": { wheels: [{ tags: "cp311-cp311-win_amd64" }], sdist: false } } },
    plug: { versions: { "1.0": {} } },
  },
};

const c = (pairs: string): Chosen[] =>
  pairs
    .split(" ")
    .filter(Boolean)
    .map((p) => {
      const [name = "", version = ""] = p.split("==");
      return { name, version };
    });

const wheelCompatible = (tags: string) => tags === "py3-none-any" || tags.includes(linux311.sys_platform);

describe("validateInstallSet", () => {
  test.each([
    ["valid", ["app"], "app==1.0 lib==2.0", linux311, []],
    ["names compare canonically, versions by PEP 440 equality", ["APP"], "App==1.0.0 LIB==2.0", linux311, []],
    ["pre-release admitted when the specifier admits it", ["app"], "app==1.0 lib==2.1.0a1", linux311, []],
    ["extras pull their requirements", ["app[plugins]"], "app==1.0 lib==2.0 plug==1.0", linux311, []],
    [
      "missing requirement",
      ["app"],
      "app==1.0",
      linux311,
      ["app 1.0 requires lib>=2, but lib is not chosen"],
    ],
    [
      "specifier not met",
      ["app"],
      "app==1.0 lib==1.0",
      linux311,
      ["app 1.0 requires lib>=2, but lib 1.0 is chosen"],
    ],
    [
      "extra requirement missing",
      ["app[plugins]"],
      "app==1.0 lib==2.0",
      linux311,
      ["app 1.0[plugins] requires plug; extra == 'plugins', but plug is not chosen"],
    ],
    [
      "requirement of an extra not asked for is not needed",
      ["app"],
      "app==1.0 lib==2.0 plug==1.0",
      linux311,
      ["plug is chosen, but nothing requires it"],
    ],
    [
      "requires-python checked against the environment",
      ["app"],
      "app==1.0 lib==2.0 winonly==1.0",
      win39,
      ["lib 2.0 requires Python >=3.10, but the environment has 3.9.0"],
    ],
    [
      "marker false: the package is extra",
      ["app"],
      "app==1.0 lib==2.0 winonly==1.0",
      linux311,
      ["winonly is chosen, but nothing requires it"],
    ],
    ["not in the universe", ["app"], "app==1.0 lib==3.0", linux311, ["lib 3.0 is not in the universe"]],
    [
      "one version per package",
      ["app", "lib"],
      "app==1.0 lib==2.0 lib==2.1.0a1",
      linux311,
      ["lib is chosen twice (2.0 and 2.1.0a1)"],
    ],
    [
      "root marker false",
      ["lib ; sys_platform == 'win32'"],
      "lib==2.0",
      linux311,
      ["lib is chosen, but nothing requires it"],
    ],
  ] as const)("%s", (_label, root, chosen, env, problems) => {
    expect(validateInstallSet(universe, root, c(chosen), env)).toEqual(problems);
  });

  test("a release with no file for the environment", () => {
    const problems = validateInstallSet(universe, ["winonly"], c("winonly==1.0"), linux311, {
      wheelCompatible,
    });
    expect(problems).toEqual(["winonly 1.0 has no file that installs in this environment"]);
  });

  test("root extras activate root requirements marked with them", () => {
    expect(
      validateInstallSet(universe, ["plug ; extra == 'x'"], c("plug==1.0"), linux311, { rootExtras: ["x"] }),
    ).toEqual([]);
    expect(validateInstallSet(universe, ["plug ; extra == 'x'"], c("plug==1.0"), linux311)).toEqual([
      "plug is chosen, but nothing requires it",
    ]);
  });
});
