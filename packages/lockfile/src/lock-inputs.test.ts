/**
 * Lock inputs are parsed once: `ParsedLockInputs` prints its canonical text and fingerprint from the
 * parsed values, once, and the staleness check and the lock read that one value without parsing its
 * requirements, requires-python or environment markers again.
 */
import { SpecifierSet } from "@lockstep/pep440";
import { Marker, Requirement } from "@lockstep/pep508";
import { afterEach, describe, expect, test, vi } from "vitest";
import { APP_INPUTS, appResolution } from "../testing";
import { checkLock } from "./check-lock";
import { lockFromResolution } from "./from-resolution";
import { readLock } from "./read-lock";
import { writeLock } from "./write-lock";
import { ParsedLockInputs, parseLockInputs, requirementText, requirementTextName } from "./lock-inputs";

afterEach(() => vi.restoreAllMocks());

describe("ParsedLockInputs", () => {
  test("canonical text from the parsed values: names normalized, sets sorted and de-duplicated", () => {
    const inputs = parseLockInputs({
      ...APP_INPUTS,
      projectName: "My_App",
      dependencies: ["NumPy>=1", "httpx >= 0.27", "numpy >= 1"],
      optionalDependencies: { Socks: ["SocksIO"], socks: ["socksio>=1"] },
      defaultGroups: ["Dev", "dev"],
      requiresPython: ">= 3.9",
      environments: ['sys_platform == "linux"'],
    });
    expect(inputs.canonical).toMatchObject({
      projectName: "my-app",
      dependencies: ["httpx>=0.27", "numpy>=1"],
      optionalDependencies: { socks: ["socksio", "socksio>=1"] },
      defaultGroups: ["dev"],
      requiresPython: ">=3.9",
      environments: ["sys_platform == 'linux'"],
    });
    expect(inputs.canonical).toBe(inputs.canonical);
    expect(inputs.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("checkLock and lockFromResolution parse no requirement, and never the inputs' requires-python", () => {
    const inputs = parseLockInputs({ ...APP_INPUTS, environments: ["sys_platform != 'cygwin'"] });
    const graph = appResolution();
    const requirements = vi.spyOn(Requirement, "parse");
    const specifiers = vi.spyOn(SpecifierSet, "parse");
    const markers = vi.spyOn(Marker, "parse");
    const lock = lockFromResolution(graph, inputs);
    expect(checkLock(lock, inputs)).toEqual({ fresh: true, changes: [] });
    expect(checkLock(lock, inputs.with({ dependencies: [] })).fresh).toBe(false);
    expect(requirements).not.toHaveBeenCalled();
    // (The wheel-tag ranges and the marker algebra parse constants of their own.)
    expect(specifiers).not.toHaveBeenCalledWith(APP_INPUTS.requiresPython);
    expect(markers).not.toHaveBeenCalledWith("sys_platform != 'cygwin'");
    expect(lock.requiresPython).toBe(inputs.values.requiresPython);
    expect(lock.environments[0]).toBe(inputs.values.environments[0]);
  });

  test("conflicts: items normalized and sorted, sets de-duplicated; none declared keeps the old fingerprint", () => {
    const inputs = parseLockInputs(APP_INPUTS).with({
      conflicts: [
        [
          { kind: "extra", name: "CU128" },
          { kind: "extra", name: "cpu" },
        ],
        [
          { kind: "extra", name: "cpu" },
          { kind: "extra", name: "cu128" },
        ],
        [
          { kind: "group", name: "a" },
          { kind: "extra", name: "x", package: "Member_B" },
        ],
      ],
    });
    expect(inputs.canonical.conflicts).toEqual(["extra:cpu, extra:cu128", "group:a, member-b:extra:x"]);
    expect(parseLockInputs(inputs.canonical).canonical).toEqual(inputs.canonical);
    const none = parseLockInputs(APP_INPUTS);
    expect(none.with({ conflicts: [] }).fingerprint).toBe(none.fingerprint);
    expect(inputs.fingerprint).not.toBe(none.fingerprint);
  });

  test("required-environments and index-strategy round-trip through the lock; their defaults keep the old fingerprint", () => {
    const none = parseLockInputs(APP_INPUTS);
    expect(none.with({ requiredEnvironments: [], indexStrategy: "first-index" }).fingerprint).toBe(
      none.fingerprint,
    );
    const set = none.with({
      requiredEnvironments: [Marker.parse("sys_platform == 'win32'")],
      indexStrategy: "unsafe-first-match",
    });
    expect(set.fingerprint).not.toBe(none.fingerprint);
    const lock = readLock(writeLock(appResolution(), set));
    expect(lock.lockstep?.inputs).toMatchObject({
      requiredEnvironments: ["sys_platform == 'win32'"],
      indexStrategy: "unsafe-first-match",
    });
    expect(checkLock(lock, set)).toEqual({ fresh: true, changes: [] });
    expect(checkLock(lock, none).changes).toEqual([
      "required-environments changed from [sys_platform == 'win32'] to []",
      "index strategy changed from unsafe-first-match to first-index",
    ]);
  });

  test("with() gives a new value and leaves the original as it was", () => {
    const inputs = new ParsedLockInputs(parseLockInputs(APP_INPUTS).values);
    const other = inputs.with({ indexes: [] });
    expect(other.canonical.indexes).toEqual([]);
    expect(inputs.canonical.indexes).toEqual(APP_INPUTS.indexes);
    expect(other.fingerprint).not.toBe(inputs.fingerprint);
  });
});

test.each([
  ["requests[socks]>=2; python_version < '3.10'", "requests"],
  ["Foo.Bar_baz==1", "foo-bar-baz"],
  ["zope.interface", "zope-interface"],
])("requirementTextName(%s) = %s, as the parser would say", (text, name) => {
  expect(requirementTextName(text)).toBe(name);
  expect(requirementTextName(requirementText(Requirement.parse(text)))).toBe(name);
  expect(Requirement.parse(text).canonicalName).toBe(name);
});
