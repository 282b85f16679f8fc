import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { VersionSet } from "@lockstep/pep440";
import { WheelFilename } from "@lockstep/wheel";
import { describe, expect, test } from "vitest";
import { formatLock } from "./format-lock";
import { lockFromResolution } from "./from-resolution";
import { readLock } from "./read-lock";
import {
  APP_INPUTS,
  APP_PACKAGES,
  SERVICE_INPUTS,
  appResolution,
  resolvedPackage,
  serviceResolution,
} from "../testing";
import type { PackageSpec } from "../testing";
import { canonicalInstant } from "./toml-writer";
import { wheelFitsRequiresPython } from "./wheel-python";
import { writeLock } from "./write-lock";
import { parseLockInputs } from "./lock-inputs";

const golden = (name: string) => fileURLToPath(new URL(`./__golden__/${name}.toml`, import.meta.url));

describe("writeLock goldens", () => {
  test.each([
    ["app", () => writeLock(appResolution(), parseLockInputs(APP_INPUTS))],
    ["service", () => writeLock(serviceResolution(), parseLockInputs(SERVICE_INPUTS))],
  ])("%s", (name, make) => {
    const text = make();
    // UPDATE_GOLDEN=1 rewrites the files; review the diff before committing.
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden(name), text);
    expect(text).toBe(readFileSync(golden(name), "utf8"));
  });
});

describe("round trip", () => {
  test.each([
    ["app", () => lockFromResolution(appResolution(), parseLockInputs(APP_INPUTS))],
    ["service", () => lockFromResolution(serviceResolution(), parseLockInputs(SERVICE_INPUTS))],
  ])("readLock(formatLock(lock)) equals lock: %s", (_name, make) => {
    const lock = make();
    const text = formatLock(lock);
    const back = readLock(text);
    expect(back).toEqual(lock);
    expect(formatLock(back)).toBe(text);
  });

  test("upload times are normalized to UTC with millisecond precision", () => {
    expect(canonicalInstant("2024-05-01T12:30:00.123456Z")).toBe("2024-05-01T12:30:00.123Z");
    expect(canonicalInstant("2024-05-01T14:30:00+02:00")).toBe("2024-05-01T12:30:00Z");
    expect(canonicalInstant("yesterday")).toBeUndefined();
  });
});

describe("determinism (property)", () => {
  const shuffled = <T>(list: readonly T[], keys: number[]): T[] => {
    const out = [...list];
    keys.forEach((k, i) => {
      const j = k % out.length;
      const a = out[i % out.length] as T;
      out[i % out.length] = out[j] as T;
      out[j] = a;
    });
    return out;
  };
  const expected = writeLock(appResolution(), parseLockInputs(APP_INPUTS));

  test("bytes do not depend on the order of packages, wheels, dependencies, hashes or input lists", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (keys) => {
        const r = appResolution();
        r.packages = shuffled(r.packages, keys).map((p, i) => ({
          ...p,
          dependencies: shuffled(p.dependencies, keys.slice(i)),
          candidate: { ...p.candidate, wheels: shuffled(p.candidate.wheels, keys.slice(i + 1)) },
        }));
        r.rootDependencies = shuffled(r.rootDependencies, keys);
        r.forks = shuffled(r.forks, keys);
        const inputs = {
          ...APP_INPUTS,
          dependencies: shuffled(APP_INPUTS.dependencies, keys),
          defaultGroups: shuffled(["dev", "dev"], keys),
        };
        expect(writeLock(r, parseLockInputs(inputs))).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  test("upgrading one package changes only that package's block", () => {
    const r = appResolution();
    const idna = APP_PACKAGES.find((p) => p.name === "idna") as PackageSpec;
    r.packages = r.packages.map((p) =>
      p.name === "idna" ? resolvedPackage({ ...idna, version: "3.11" }) : p,
    );
    const before = expected.split("\n");
    const after = writeLock(r, parseLockInputs(APP_INPUTS)).split("\n");
    expect(after.length).toBe(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [i]));
    const block = before.findIndex((l, i) => l === 'name = "idna"' && before[i - 1] === "[[packages]]");
    const end = before.findIndex((l, i) => i > block && l === "[[packages]]");
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((i) => i > block && i < end)).toBe(true);
  });
});

describe("wheels and requires-python", () => {
  const wheel = (name: string) => WheelFilename.parse(name);
  test.each([
    ["x-1-cp38-cp38-win_amd64.whl", ">=3.9", false],
    ["x-1-cp39-cp39-win_amd64.whl", ">=3.9", true],
    ["x-1-cp38-abi3-win_amd64.whl", ">=3.9", true],
    ["x-1-py2-none-any.whl", ">=3.9", false],
    ["x-1-py2.py3-none-any.whl", ">=3.9", true],
    ["x-1-py38-none-any.whl", ">=3.9", true],
    ["x-1-cp313-cp313t-win_amd64.whl", ">=3.9,<3.13", false],
    ["x-1-pp310-pypy310_pp73-win_amd64.whl", ">=3.11", false],
    ["x-1-ip27-none-any.whl", ">=3.9", true],
  ])("%s under %s is kept: %s", (name, rp, kept) => {
    expect(wheelFitsRequiresPython(wheel(name), VersionSet.parse(rp))).toBe(kept);
  });

  test("keepAllWheels keeps the cp38 wheels a >=3.9 lock would drop", () => {
    const numpy = (opts: { keepAllWheels?: boolean }) =>
      lockFromResolution(appResolution(), parseLockInputs(APP_INPUTS), opts).packages.find(
        (p) => p.name === "numpy",
      );
    const names = (p: ReturnType<typeof numpy>) =>
      p?.source.kind === "files" ? p.source.wheels.map((w) => w.name) : [];
    expect(names(numpy({})).some((n) => n.includes("cp38"))).toBe(false);
    expect(names(numpy({ keepAllWheels: true })).filter((n) => n.includes("cp38"))).toHaveLength(3);
  });
});

describe("a project with no dependencies", () => {
  const noDeps = (isPackage: boolean) =>
    parseLockInputs({
      ...APP_INPUTS,
      dependencies: [],
      optionalDependencies: {},
      dependencyGroups: {},
      defaultGroups: [],
      isPackage,
    });
  const nothing = { packages: [], rootDependencies: [], forks: [] };
  // pypa/packaging's PEP 751 model (packaging >= 26), as the foreign-lock tests use it.
  const packagingAccepts = (text: string) =>
    execFileSync(
      "python3",
      [
        "-c",
        "import sys, tomllib\nfrom packaging.pylock import Pylock\nPylock.from_dict(tomllib.loads(sys.stdin.read())).validate()\nprint('ok')",
      ],
      { input: text, encoding: "utf8" },
    ).trim();

  test("a virtual project writes `packages = []`, which our reader and packaging.pylock accept", () => {
    const text = writeLock(nothing, noDeps(false));
    expect(text.split("\n[tool.lockstep]")[0]).toMatchInlineSnapshot(`
      "lock-version = "1.0"
      requires-python = ">=3.9"
      extras = []
      dependency-groups = []
      default-groups = []
      created-by = "lockstep"
      packages = []
      "
    `);
    const back = readLock(text);
    expect(back.packages).toEqual([]);
    expect(formatLock(back)).toBe(text);
    expect(packagingAccepts(text)).toBe("ok");
  });

  test("a package project locks only itself", () => {
    const text = writeLock(nothing, noDeps(true));
    expect(text).not.toContain("packages = []");
    expect(readLock(text).packages.map((p) => p.name)).toEqual(["app"]);
    expect(packagingAccepts(text)).toBe("ok");
  });
});
