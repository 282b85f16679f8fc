import { describe, expect, test } from "vitest";
import { checkLock } from "./check-lock";
import { diffLocks, formatLockChange } from "./diff-locks";
import type { LockInputs } from "./lock-inputs";
import { readLock } from "./read-lock";
import { APP_INPUTS, APP_PACKAGES, APP_ROOT_DEPS, appResolution, resolution } from "../testing";
import { writeLock } from "./write-lock";
import { parseLockInputs } from "./lock-inputs";

const lock = readLock(writeLock(appResolution(), parseLockInputs(APP_INPUTS)));

describe("checkLock", () => {
  test("the inputs the lock was made from are fresh, however they are spelled", () => {
    expect(checkLock(lock, parseLockInputs(APP_INPUTS))).toEqual({ fresh: true, changes: [] });
    const respelled: LockInputs = {
      ...APP_INPUTS,
      projectName: "App",
      dependencies: ["NumPy", "httpx >= 0.27", 'colorama ; sys_platform == "win32"', "numpy"],
      optionalDependencies: { Socks: ["socksio >= 1.0"] },
      requiresPython: ">= 3.9",
    };
    expect(checkLock(lock, parseLockInputs(respelled))).toEqual({ fresh: true, changes: [] });
  });

  test.each<[string, Partial<LockInputs>, string[]]>([
    [
      "dependency added",
      { dependencies: [...APP_INPUTS.dependencies, "rich"] },
      ["dependency `rich` was added"],
    ],
    [
      "dependency removed",
      { dependencies: ["httpx>=0.27", "numpy"] },
      ["dependency `colorama; sys_platform == 'win32'` was removed"],
    ],
    [
      "dependency changed",
      { dependencies: ["httpx>=0.28", "numpy", "colorama; sys_platform == 'win32'"] },
      ["dependency `httpx` changed from `httpx>=0.27` to `httpx>=0.28`"],
    ],
    ["requires-python", { requiresPython: ">=3.10" }, ["requires-python changed from >=3.9 to >=3.10"]],
    [
      "requires-python dropped",
      { requiresPython: undefined },
      ["requires-python changed from >=3.9 to (none)"],
    ],
    [
      "extra added",
      { optionalDependencies: { socks: ["socksio>=1.0"], http2: ["h2"] } },
      ["extra `http2` was added"],
    ],
    ["extra removed", { optionalDependencies: {} }, ["extra `socks` was removed"]],
    [
      "extra's dependency changed",
      { optionalDependencies: { socks: ["socksio>=1.1"] } },
      ["dependency of extra `socks` `socksio` changed from `socksio>=1.0` to `socksio>=1.1`"],
    ],
    ["group removed", { dependencyGroups: {} }, ["group `dev` was removed"]],
    [
      "group's dependency added",
      { dependencyGroups: { dev: ["pytest>=8", "ruff"] } },
      ["dependency of group `dev` `ruff` was added"],
    ],
    ["default groups", { defaultGroups: [] }, ["default-groups changed from [dev] to []"]],
    ["constraint", { constraints: ["idna<4"] }, ["constraint `idna<4` was added"]],
    ["override", { overrides: ["anyio==4.5"] }, ["override `anyio==4.5` was added"]],
    [
      "environments",
      { environments: ["sys_platform == 'linux'"] },
      ["environments changed from [] to [sys_platform == 'linux']"],
    ],
    [
      "conflicts declared",
      { conflicts: ["extra:socks, group:dev"] },
      ["conflicts changed from [] to [extra:socks, group:dev]"],
    ],
    [
      "required environments declared",
      { requiredEnvironments: ["sys_platform == 'win32'"] },
      ["required-environments changed from [] to [sys_platform == 'win32']"],
    ],
    [
      "index strategy",
      { indexStrategy: "unsafe-best-match" },
      ["index strategy changed from first-index to unsafe-best-match"],
    ],
    ["indexes", { indexes: [] }, ["indexes changed from [example=https://pypi.example/simple/] to []"]],
    [
      "resolution strategy",
      { resolution: "lowest-direct" },
      ["resolution strategy changed from highest to lowest-direct"],
    ],
    [
      "prerelease mode",
      { prerelease: "allow" },
      ["prerelease mode changed from if-necessary-or-explicit to allow"],
    ],
    [
      "exclude-newer",
      { excludeNewer: "2024-01-01T00:00:00Z" },
      ["exclude-newer changed from (none) to 2024-01-01T00:00:00Z"],
    ],
    ["project version", { projectVersion: "0.2.0" }, ["project version changed from 0.1.0 to 0.2.0"]],
    ["package-ness", { isPackage: false }, ["the project is no longer a package"]],
    [
      "several at once, in a fixed order",
      {
        requiresPython: ">=3.10",
        dependencies: ["numpy"],
        dependencyGroups: { dev: ["pytest>=8"], lint: ["ruff"] },
      },
      [
        "requires-python changed from >=3.9 to >=3.10",
        "dependency `colorama; sys_platform == 'win32'` was removed",
        "dependency `httpx>=0.27` was removed",
        "group `lint` was added",
      ],
    ],
  ])("%s", (_name, change, changes) => {
    expect(checkLock(lock, parseLockInputs({ ...APP_INPUTS, ...change }))).toEqual({ fresh: false, changes });
  });

  test("a lock another tool wrote is never fresh", () => {
    const foreign = readLock(`lock-version = "1.0"\ncreated-by = "pip"\npackages = []\n`);
    expect(checkLock(foreign, parseLockInputs(APP_INPUTS))).toEqual({
      fresh: false,
      changes: ["the lock file has no `[tool.lockstep]` table (it was not written by lockstep)"],
    });
  });

  test("a hand-edited fingerprint is noticed", () => {
    const text = writeLock(appResolution(), parseLockInputs(APP_INPUTS)).replace(
      /fingerprint = "sha256:[0-9a-f]+"/,
      'fingerprint = "sha256:00"',
    );
    expect(checkLock(readLock(text), parseLockInputs(APP_INPUTS)).changes).toEqual([
      "the lock's fingerprint does not match its recorded inputs (the lock was edited by hand)",
    ]);
  });
});

describe("diffLocks", () => {
  const variant = (edit: (specs: typeof APP_PACKAGES) => typeof APP_PACKAGES) => {
    const packages = edit(APP_PACKAGES);
    const rootDeps = APP_ROOT_DEPS.filter(([name, version]) =>
      packages.some((p) => p.name === name && p.version === version),
    );
    return readLock(writeLock(resolution(packages, rootDeps), parseLockInputs(APP_INPUTS)));
  };

  test("no previous lock: everything is added, in name order", () => {
    const changes = diffLocks(undefined, lock);
    expect(changes.map(formatLockChange)).toEqual([
      "Added anyio v4.6.0",
      "Added app",
      "Added colorama v0.4.6",
      "Added exceptiongroup v1.2.2",
      "Added httpx v0.27.2",
      "Added idna v3.10",
      "Added iniconfig v2.0.0",
      "Added legacy v1.0",
      "Added numpy v1.26.4, v2.1.0",
      "Added pytest v8.3.3",
      "Added socksio v1.0.0",
    ]);
  });

  test("updated, added, removed, and a marker split", () => {
    const after = variant((specs) =>
      [
        ...specs
          .filter((p) => p.name !== "legacy" && !(p.name === "numpy" && p.version === "1.26.4"))
          .map((p) =>
            p.name === "idna" ? { ...p, version: "3.11" } : p.name === "numpy" ? { ...p, marker: "" } : p,
          ),
        { name: "sniffio", version: "1.3.1", wheels: ["py3-none-any"] },
        { name: "httpx", version: "0.28.0", marker: "python_version >= '3.13'", wheels: ["py3-none-any"] },
      ].map((p) =>
        p.name === "httpx" && p.version === "0.27.2" ? { ...p, marker: "python_version < '3.13'" } : p,
      ),
    );
    expect(diffLocks(lock, after)).toEqual([
      { kind: "updated", name: "httpx", from: "0.27.2", to: "0.27.2, 0.28.0" },
      { kind: "updated", name: "idna", from: "3.10", to: "3.11" },
      { kind: "removed", name: "legacy", from: "1.0" },
      { kind: "updated", name: "numpy", from: "1.26.4, 2.1.0", to: "2.1.0" },
      { kind: "added", name: "sniffio", to: "1.3.1" },
    ]);
    expect(diffLocks(lock, after).map(formatLockChange)).toEqual([
      "Updated httpx v0.27.2 -> v0.27.2, v0.28.0",
      "Updated idna v3.10 -> v3.11",
      "Removed legacy v1.0",
      "Updated numpy v1.26.4, v2.1.0 -> v2.1.0",
      "Added sniffio v1.3.1",
    ]);
    expect(diffLocks(lock, lock)).toEqual([]);
  });
});
