import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Requirement } from "@lockstep/pep508";
import type { InterpreterInfo } from "@lockstep/python";
import { environmentKey } from "./run-environment";
import type { RunEnvironmentOptions } from "./run-environment";
import { runTarget, withRequirements } from "./run-target";

const dir = mkdtempSync(join(tmpdir(), "lockstep-run-target-"));
writeFileSync(join(dir, "meta.py"), '# /// script\n# dependencies = ["a>=1"]\n# ///\nprint(1)\n');
writeFileSync(join(dir, "plain.py"), "print(1)\n");

describe("runTarget", () => {
  test.each([
    ["a command", ["pytest", "-x"], false, { kind: "command", command: ["pytest", "-x"], script: false }],
    [
      "-m: python -m with the words after the module",
      ["json.tool", "--sort-keys"],
      true,
      { kind: "command", command: ["python", "-m", "json.tool", "--sort-keys"], script: false },
    ],
    [
      "a .py without a block",
      ["plain.py", "-q"],
      false,
      { kind: "command", command: ["python", "plain.py", "-q"], script: true },
    ],
    [
      "a .py that is not a file is a command",
      ["missing.py"],
      false,
      { kind: "command", command: ["missing.py"], script: false },
    ],
  ])("%s", (_name, command, module, expected) => {
    expect(runTarget(command, module, dir)).toEqual(expected);
  });

  test("a .py with a block is a script with its metadata", () => {
    const t = runTarget(["meta.py", "x"], false, dir);
    expect(t.kind).toBe("script");
    if (t.kind !== "script") return;
    expect(t.command).toEqual(["python", "meta.py", "x"]);
    expect(t.path).toBe(join(dir, "meta.py"));
    expect(t.metadata.dependencies.map(String)).toEqual(["a>=1"]);
  });
});

test("--with values are requirements; a bad one names the flag", () => {
  expect(withRequirements(["a[x]>=1"]).map(String)).toEqual(["a[x]>=1"]);
  expect(() => withRequirements(["a>>1"])).toThrow(/^invalid requirement `a>>1` given to --with: /);
});

describe("environmentKey", () => {
  const interpreter = {
    executable: process.execPath,
    markers: { python_full_version: "3.12.1" },
  } as unknown as InterpreterInfo;
  const base: RunEnvironmentOptions = {
    kind: "script",
    requirements: [Requirement.parse("a>=1"), Requirement.parse("b")],
    interpreter,
    indexes: [{ name: undefined, url: "http://127.0.0.1:1/simple", explicit: false, default: true }],
    cacheDir: "/c",
    lockstepVersion: "0",
  };
  const key = environmentKey(base, []);

  test.each<[string, Partial<RunEnvironmentOptions>, Requirement[], boolean]>([
    [
      "the same requirements in another order",
      { requirements: [Requirement.parse("b"), Requirement.parse("a>=1")] },
      [],
      true,
    ],
    ["another requirement", { requirements: [Requirement.parse("a>=2"), Requirement.parse("b")] }, [], false],
    ["another kind", { kind: "with" }, [], false],
    [
      "another index",
      { indexes: [{ name: undefined, url: "http://127.0.0.1:2/simple", explicit: false, default: true }] },
      [],
      false,
    ],
    [
      "another Python",
      {
        interpreter: {
          ...interpreter,
          markers: { python_full_version: "3.12.2" },
        } as unknown as InterpreterInfo,
      },
      [],
      false,
    ],
    ["constraints (a base venv's versions)", {}, [Requirement.parse("c==1")], false],
    ["another base venv", { base: { root: "/b", sitePackages: "/b/site" } }, [], false],
  ])("%s: same key %s", (_name, change, constraints, same) => {
    expect(environmentKey({ ...base, ...change }, constraints) === key).toBe(same);
  });
});
