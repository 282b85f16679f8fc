import { execFileSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import type { MarkerEnvironment } from "@lockstep/pep508";
import { TagPriority, markerEnvironmentFor, supportedTags } from "@lockstep/wheel";
import type { TargetEnv, TargetOs } from "@lockstep/wheel";
import { LockSelectError } from "./errors";
import { readLock } from "./read-lock";
import { selectForEnvironment } from "./select";
import type { InstallItem } from "./select";
import { APP_INPUTS, SERVICE_INPUTS, appResolution, serviceResolution } from "../testing";
import { writeLock } from "./write-lock";
import { parseLockInputs } from "./lock-inputs";

const APP = writeLock(appResolution(), parseLockInputs(APP_INPUTS));
const SERVICE = writeLock(serviceResolution(), parseLockInputs(SERVICE_INPUTS));
const appLock = readLock(APP);
const serviceLock = readLock(SERVICE);

const ARCH = { linux: "x86_64", macos: "arm64", windows: "x86_64" } as const;
const PLATFORM = {
  linux: "manylinux_2_17_x86_64.manylinux2014_x86_64",
  macos: "macosx_11_0_arm64",
  windows: "win_amd64",
};

function target(os: TargetOs, minor: number): TargetEnv {
  return { implementation: "cpython", pythonVersion: [3, minor], pythonPatch: 1, os, arch: ARCH[os] };
}

const summary = (items: InstallItem[]) =>
  items.map((i) => `${i.name} ${i.version ?? "-"} ${i.kind} ${i.filename ?? i.path}`);

const GRID = (["linux", "macos", "windows"] as const).flatMap((os) =>
  [9, 10, 11, 12, 13].map((minor) => [os, minor] as const),
);

/** What the app lock must install, written from the scenario's definition, not from the code. */
function expected(os: TargetOs, minor: number, withExtrasAndGroups: boolean): string[] {
  const wheel = (name: string, version: string, tags = "py3-none-any") =>
    `${name} ${version} wheel ${name}-${version}-${tags}.whl`;
  const out = [
    wheel("anyio", "4.6.0"),
    "app - directory .",
    ...(os === "windows" ? [wheel("colorama", "0.4.6", "py2.py3-none-any")] : []),
    ...(minor === 9 ? [wheel("exceptiongroup", "1.2.2")] : []),
    wheel("httpx", "0.27.2"),
    wheel("idna", "3.10"),
    ...(withExtrasAndGroups ? [wheel("iniconfig", "2.0.0")] : []),
    ...(minor === 9 ? ["legacy 1.0 sdist legacy-1.0.tar.gz"] : []),
    minor === 9
      ? wheel("numpy", "1.26.4", `cp39-cp39-${PLATFORM[os]}`)
      : wheel("numpy", "2.1.0", `cp3${minor}-cp3${minor}-${PLATFORM[os]}`),
    ...(withExtrasAndGroups ? [wheel("pytest", "8.3.3"), wheel("socksio", "1.0.0")] : []),
  ];
  return out;
}

describe("selectForEnvironment over linux/macos/windows × Python 3.9–3.13", () => {
  test.each(GRID)("%s, Python 3.%i", (os, minor) => {
    const t = target(os, minor);
    const env = markerEnvironmentFor(t);
    const tags = supportedTags(t);
    expect(summary(selectForEnvironment(appLock, env, { tags, extras: [], groups: [] }))).toEqual(
      expected(os, minor, false),
    );
    expect(
      summary(
        selectForEnvironment(appLock, env, {
          tags: new TagPriority(tags),
          extras: ["socks"],
          groups: ["dev"],
        }),
      ),
    ).toEqual(expected(os, minor, true));
  });

  test("an item carries url, hashes and size; includeProject: false leaves the project out", () => {
    const env = markerEnvironmentFor(target("linux", 12));
    const items = selectForEnvironment(appLock, env, {
      tags: supportedTags(target("linux", 12)),
      extras: [],
      groups: [],
      includeProject: false,
    });
    expect(items.map((i) => i.name)).not.toContain("app");
    expect(items.find((i) => i.name === "idna")).toEqual({
      name: "idna",
      version: "3.10",
      kind: "wheel",
      url: "https://files.example/idna/idna-3.10-py3-none-any.whl",
      filename: "idna-3.10-py3-none-any.whl",
      hashes: { sha256: "cb0c73b778992a64913402aa2b222077f09ad1627b85526d8b9c2aa770daa1f1" },
      size: 1026,
    });
  });
});

function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof LockSelectError) return `${e.code}: ${e.render()}`;
    throw e;
  }
  throw new Error("expected selectForEnvironment to fail");
}

describe("selectForEnvironment errors", () => {
  test("an environment the lock does not cover names what it was locked for", () => {
    const t: TargetEnv = {
      implementation: "cpython",
      pythonVersion: [3, 12],
      pythonPatch: 4,
      os: "windows",
      arch: "x86_64",
    };
    expect(
      failure(() =>
        selectForEnvironment(serviceLock, markerEnvironmentFor(t), {
          tags: supportedTags(t),
          extras: [],
          groups: [],
        }),
      ),
    ).toMatchInlineSnapshot(`
        "lock-environment-not-covered: The lock file does not cover this environment: it was locked for \`sys_platform == 'linux'\`, \`sys_platform == 'darwin'\`; this interpreter is CPython 3.12.4 on win32
          hint: Add an environment that matches this interpreter to \`environments\` in pyproject.toml and run \`lockstep lock\`."
      `);
  });

  test("no compatible wheel and no sdist", () => {
    const t: TargetEnv = { implementation: "cpython", pythonVersion: [3, 13], os: "linux", arch: "x86_64" };
    expect(
      failure(() =>
        selectForEnvironment(serviceLock, markerEnvironmentFor(t), {
          tags: supportedTags(t),
          extras: [],
          groups: [],
        }),
      ),
    ).toMatchInlineSnapshot(`
        "lock-no-compatible-file: No wheel of uvloop 0.20.0 is compatible with this platform (tags tried: cp313-cp313-manylinux_2_17_x86_64, cp313-cp313-manylinux2014_x86_64, cp313-cp313-manylinux_2_16_x86_64, …) and it has no sdist
          hint: The lock has these wheels for it: uvloop-0.20.0-cp311-cp311-macosx_10_9_x86_64.whl, uvloop-0.20.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl, uvloop-0.20.0-cp312-cp312-macosx_10_9_x86_64.whl, uvloop-0.20.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
      `);
  });

  test.each([
    ["python outside requires-python", { ...markerEnvironmentFor(target("linux", 10)) }, [], []],
    ["unknown extra", markerEnvironmentFor(target("linux", 12)), ["nope"], []],
    ["unknown group", markerEnvironmentFor(target("linux", 12)), [], ["lint"]],
  ] as Array<[string, MarkerEnvironment, string[], string[]]>)("%s", (name, env, extras, groups) => {
    const lock = name.startsWith("python") ? serviceLock : appLock;
    expect(failure(() => selectForEnvironment(lock, env, { tags: [], extras, groups }))).toMatchSnapshot();
  });

  test("two entries that both match (a hand-edited lock) are refused", () => {
    const lock = readLock(APP);
    const numpy = lock.packages.filter((p) => p.name === "numpy");
    (numpy[0] as (typeof numpy)[number]).marker = (numpy[1] as (typeof numpy)[number]).marker;
    const env = markerEnvironmentFor(target("linux", 12));
    expect(
      failure(() =>
        selectForEnvironment(lock, env, { tags: supportedTags(target("linux", 12)), extras: [], groups: [] }),
      ),
    ).toMatchSnapshot();
  });
});

/**
 * Differential: pypa/packaging's own PEP 751 reader (`packaging.pylock`, packaging ≥ 26) selects
 * from our lock for the same environments and tags; both must pick the same files.
 */
const PYLOCK_SELECT = `
import json, sys, tomllib
from packaging.pylock import Pylock, PackageWheel, PackageSdist, PackageDirectory
from packaging.tags import parse_tag
cases = json.load(sys.stdin)
out = []
for case in cases:
    lock = Pylock.from_dict(tomllib.loads(case["lock"]))
    tags = [t for s in case["tags"] for t in parse_tag(s)]
    picked = []
    for pkg, dist in lock.select(environment=case["env"], tags=tags, extras=case["extras"], dependency_groups=case["groups"]):
        kind = "wheel" if isinstance(dist, PackageWheel) else "sdist" if isinstance(dist, PackageSdist) else "directory"
        name = getattr(dist, "name", None) or getattr(dist, "path", None)
        picked.append(f"{pkg.name} {pkg.version or '-'} {kind} {name}")
    out.append(sorted(picked))
print(json.dumps(out))
`;

describe("agrees with packaging.pylock (pypa's PEP 751 reader)", () => {
  test("same selection over the whole grid", () => {
    const cases = GRID.flatMap(([os, minor]) =>
      [false, true].map((all) => ({
        lock: APP,
        env: markerEnvironmentFor(target(os, minor)),
        tags: supportedTags(target(os, minor)),
        extras: all ? ["socks"] : [],
        groups: all ? ["dev"] : [],
      })),
    );
    const theirs = JSON.parse(
      execFileSync("python3", ["-c", PYLOCK_SELECT], { input: JSON.stringify(cases), encoding: "utf8" }),
    ) as string[][];
    const ours = cases.map((c) =>
      summary(
        selectForEnvironment(appLock, c.env, { tags: c.tags, extras: c.extras, groups: c.groups }),
      ).sort(),
    );
    expect(ours).toEqual(theirs);
  });
});
