/**
 * Environment knowledge in the marker algebra: table tests of what it concludes, and properties
 * (fast-check) that its conclusions hold on every realistic environment while evaluation stays
 * literal on any environment, consistent or not.
 */

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Version, VersionSet } from "@lockstep/pep440";
import type { MarkerEnvironment } from "./environment";
import { Marker } from "./marker";
import { grid, realisticGrid } from "./test-grid";

const m = (s: string) => Marker.parse(s);

describe("disjointness", () => {
  test.each([
    ["sys_platform == 'linux'", "platform_system == 'Darwin'", true],
    ["sys_platform == 'linux'", "platform_system == 'Windows'", true],
    ["sys_platform == 'darwin'", "platform_system == 'Linux'", true],
    ["sys_platform == 'win32'", "os_name == 'posix'", true],
    ["platform_system == 'Darwin'", "os_name == 'nt'", true],
    ["platform_system == 'FreeBSD'", "sys_platform == 'linux'", true],
    ["platform_system == 'OpenBSD'", "sys_platform == 'win32'", true],
    ["sys_platform == 'cygwin'", "platform_system == 'Linux'", true],
    ["sys_platform == 'cygwin'", "os_name == 'nt'", true],
    ["sys_platform == 'emscripten'", "platform_system == 'Linux'", true],
    ["sys_platform == 'ios'", "platform_system == 'Darwin'", true],
    ["implementation_name == 'cpython'", "platform_python_implementation == 'PyPy'", true],
    ["implementation_name == 'graalpy'", "platform_python_implementation == 'CPython'", true],
    ["platform_python_implementation == 'PyPy'", "implementation_name != 'pypy'", true],
    // Compatible pairs, and pairs the knowledge deliberately does not decide.
    ["sys_platform == 'linux'", "platform_system == 'Linux'", false],
    ["sys_platform == 'ios'", "platform_system == 'iPadOS'", false],
    ["sys_platform == 'freebsd14'", "platform_system == 'FreeBSD'", false],
    ["os_name == 'posix'", "platform_system == 'FreeBSD'", false],
    ["os_name == 'nt'", "sys_platform == 'cli'", false],
    ["os_name == 'nt'", "sys_platform != 'win32'", false],
    ["implementation_name == 'cpython'", "platform_python_implementation == 'CPython'", false],
    ["implementation_name == 'micropython'", "platform_python_implementation != 'CPython'", false],
    ["sys_platform == 'linux'", "platform_machine == 'arm64'", false],
    ["platform_system == 'AIX'", "sys_platform == 'aix7'", false],
  ])("isDisjoint(%j, %j) = %j", (a, b, expected) => {
    expect(m(a).isDisjoint(m(b))).toBe(expected);
    expect(m(b).isDisjoint(m(a))).toBe(expected);
    expect(m(a).and(m(b)).isFalse()).toBe(expected);
  });
});

describe("implication", () => {
  test.each([
    ["sys_platform == 'linux'", "platform_system == 'Linux'", true],
    ["platform_system == 'Linux'", "sys_platform == 'linux'", true],
    ["sys_platform == 'win32'", "os_name != 'posix'", true],
    ["platform_system == 'Windows'", "os_name != 'posix'", true],
    ["sys_platform == 'darwin'", "os_name != 'nt'", true],
    ["platform_system == 'FreeBSD'", "os_name != 'nt'", true],
    // os_name is an exclusion (as in uv), not an implication: some other os_name is not ruled out.
    ["sys_platform == 'win32'", "os_name == 'nt'", false],
    ["sys_platform == 'darwin'", "os_name == 'posix'", false],
    ["platform_system == 'FreeBSD'", "sys_platform != 'linux' and sys_platform != 'darwin'", true],
    ["implementation_name == 'pypy'", "platform_python_implementation == 'PyPy'", true],
    ["platform_python_implementation == 'CPython'", "implementation_name == 'cpython'", true],
    ["sys_platform == 'aix'", "platform_system == 'AIX'", true],
    ["platform_system == 'AIX'", "sys_platform != 'linux'", true],
    // Python 3.7 on AIX reports sys_platform `aix7`.
    ["platform_system == 'AIX'", "sys_platform == 'aix'", false],
    ["os_name == 'nt'", "sys_platform == 'win32'", false],
    ["os_name == 'posix'", "sys_platform == 'linux'", false],
    ["sys_platform != 'linux'", "platform_system == 'FreeBSD'", false],
  ])("%j implies %j: %j", (a, b, expected) => {
    expect(m(a).implies(m(b))).toBe(expected);
  });

  test.each([
    ["sys_platform == 'linux' or platform_system != 'Linux'", true],
    ["os_name != 'nt' or sys_platform != 'linux'", true],
    ["platform_python_implementation == 'CPython' or implementation_name != 'cpython'", true],
    ["os_name != 'nt' or sys_platform == 'win32'", false],
  ])("%j is true everywhere: %j", (text, expected) => {
    expect(m(text).isTrue()).toBe(expected);
  });
});

describe("canonical text", () => {
  test.each([
    ["sys_platform == 'linux' and platform_system == 'Linux'", "sys_platform == 'linux'"],
    ["platform_system == 'Linux'", "sys_platform == 'linux'"],
    ["platform_system == 'Windows'", "sys_platform == 'win32'"],
    ["platform_system != 'Windows'", "sys_platform != 'win32'"],
    ["sys_platform == 'win32' or platform_system == 'Windows'", "sys_platform == 'win32'"],
    ["os_name != 'posix' and sys_platform == 'win32'", "sys_platform == 'win32'"],
    ["os_name != 'nt' and sys_platform == 'darwin'", "sys_platform == 'darwin'"],
    // linux rules out nt, so the disjunction is os_name != 'nt'.
    ["os_name != 'nt' or sys_platform == 'linux'", "os_name != 'nt'"],
    ["platform_system == 'FreeBSD' and os_name != 'nt'", "platform_system == 'FreeBSD'"],
    // Neither implies the other: both stay.
    ["os_name == 'nt' and sys_platform == 'win32'", "os_name == 'nt' and sys_platform == 'win32'"],
    ["os_name == 'nt' or sys_platform == 'win32'", "os_name == 'nt' or sys_platform == 'win32'"],
    ["sys_platform == 'linux' and platform_system == 'Darwin'", "python_version < '0'"],
    ["implementation_name == 'cpython'", "platform_python_implementation == 'CPython'"],
    [
      "platform_python_implementation != 'PyPy' and implementation_name != 'pypy'",
      "platform_python_implementation != 'PyPy'",
    ],
    [
      "sys_platform != 'win32' and sys_platform != 'cygwin'",
      "sys_platform != 'cygwin' and sys_platform != 'win32'",
    ],
    [
      "(sys_platform == 'linux' and python_version < '3.9') or platform_system == 'FreeBSD'",
      "python_version < '3.9' and sys_platform == 'linux' or platform_system == 'FreeBSD'",
    ],
    [
      "platform_system == 'Darwin' and platform_machine == 'arm64' or sys_platform == 'linux' and implementation_name == 'cpython'",
      "sys_platform == 'darwin' and platform_machine == 'arm64' or sys_platform == 'linux' and platform_python_implementation == 'CPython'",
    ],
    [
      "python_version >= '3.9' and sys_platform == 'linux'",
      "python_version >= '3.9' and sys_platform == 'linux'",
    ],
  ])("%j prints as %j", (input, expected) => {
    expect(m(input).toString()).toBe(expected);
    expect(m(expected).equals(m(input))).toBe(true);
    expect(m(expected).toString()).toBe(expected);
  });
});

describe("evaluation stays literal", () => {
  // A made-up environment whose values disagree: the knowledge must not reach evaluation.
  const odd: MarkerEnvironment = {
    ...realisticGrid()[0]!.env,
    sys_platform: "linux",
    platform_system: "Darwin",
    os_name: "nt",
  };

  test.each([
    ["sys_platform == 'linux' and platform_system == 'Darwin'", true],
    ["platform_system == 'Linux'", false],
    ["sys_platform == 'linux' and os_name == 'nt'", true],
  ])("%j on an inconsistent environment is %j", (text, expected) => {
    expect(m(text).evaluate(odd)).toBe(expected);
  });

  test("equal markers may still differ where no real interpreter runs", () => {
    const a = m("platform_system == 'Windows'");
    const b = m("sys_platform == 'win32'");
    expect(a.equals(b)).toBe(true);
    expect(a.toString()).toBe(b.toString());
    const windowsNamedLinux = { ...odd, sys_platform: "linux", platform_system: "Windows" };
    expect(a.evaluate(windowsNamedLinux)).toBe(true);
    expect(b.evaluate(windowsNamedLinux)).toBe(false);
  });
});

describe("properties over realistic environments", () => {
  const real = realisticGrid();
  // Every combination of the values below, consistent or not, for the literal-evaluation check.
  const anyEnv = grid().flatMap((g) =>
    ["Linux", "Darwin", "Windows", "FreeBSD"].map((platform_system) => ({
      ...g.env,
      platform_system,
      implementation_name: g.env.implementation_name === "pypy" ? "cpython" : g.env.implementation_name,
    })),
  );
  const truth = (mk: Marker, envs: readonly MarkerEnvironment[]) => envs.map((e) => mk.evaluate(e));
  const realEnvs = real.map((g) => g.env);

  const eq = (name: string, values: string[]) =>
    fc
      .tuple(fc.constantFrom("==", "!="), fc.constantFrom(...values))
      .map(([op, v]) => `${name} ${op} '${v}'`);
  const atom = fc.oneof(
    eq("sys_platform", ["linux", "darwin", "win32", "freebsd14", "cygwin", "emscripten"]),
    eq("platform_system", ["Linux", "Darwin", "Windows", "FreeBSD", "OpenBSD"]),
    eq("os_name", ["nt", "posix"]),
    eq("implementation_name", ["cpython", "pypy", "graalpy"]),
    eq("platform_python_implementation", ["CPython", "PyPy", "GraalVM"]),
    fc
      .tuple(fc.constantFrom("<", ">="), fc.constantFrom("3.9", "3.11", "3.13"))
      .map(([op, v]) => `python_version ${op} '${v}'`),
    eq("platform_machine", ["x86_64", "arm64"]),
  );
  const marker: fc.Arbitrary<Marker> = fc.letrec<{ m: Marker }>((tie) => ({
    m: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      atom.map((s) => Marker.parse(s)),
      fc.tuple(tie("m"), tie("m")).map(([a, b]) => a.and(b)),
      fc.tuple(tie("m"), tie("m")).map(([a, b]) => a.or(b)),
      tie("m").map((a) => a.not()),
    ),
  })).m;
  const runs = { numRuns: 400, seed: 751 };

  test("no claim of disjointness, falsity, truth or implication that a real environment refutes", () => {
    fc.assert(
      fc.property(marker, marker, (a, b) => {
        const ta = truth(a, realEnvs);
        const tb = truth(b, realEnvs);
        const both = ta.findIndex((x, i) => x && tb[i]!);
        if (a.isDisjoint(b)) expect(both, `${a} / ${b} both hold on env #${both}`).toBe(-1);
        if (a.isFalse()) expect(ta).not.toContain(true);
        if (a.isTrue()) expect(ta).not.toContain(false);
        if (a.implies(b)) expect(ta.every((x, i) => !x || tb[i]!)).toBe(true);
        if (a.equals(b)) {
          expect(ta).toEqual(tb);
          expect(a.toString()).toBe(b.toString());
        }
      }),
      runs,
    );
  });

  test("the canonical text means the same on every real environment and is stable", () => {
    fc.assert(
      fc.property(marker, (a) => {
        const text = a.toString();
        const back = Marker.parse(text);
        expect(truth(back, realEnvs), text).toEqual(truth(a, realEnvs));
        expect(back.equals(a)).toBe(true);
        expect(back.toString()).toBe(text);
      }),
      runs,
    );
  });

  test("simplify keeps the meaning on every real environment inside requires-python", () => {
    const requiresPython = fc.constantFrom(">=3.9", ">=3.10, <3.13", "<3.12");
    fc.assert(
      fc.property(marker, requiresPython, (a, rp) => {
        const set = VersionSet.parse(rp);
        const s = Marker.parse(a.simplify(set).toString());
        for (const e of realEnvs) {
          if (!set.contains(Version.parse(e.python_full_version))) continue;
          expect(s.evaluate(e)).toBe(a.evaluate(e));
        }
      }),
      runs,
    );
  });

  test("and / or / not evaluate literally, also on inconsistent environments", () => {
    fc.assert(
      fc.property(marker, marker, (a, b) => {
        const ta = truth(a, anyEnv);
        const tb = truth(b, anyEnv);
        expect(truth(a.and(b), anyEnv)).toEqual(ta.map((x, i) => x && tb[i]!));
        expect(truth(a.or(b), anyEnv)).toEqual(ta.map((x, i) => x || tb[i]!));
        expect(truth(a.not(), anyEnv)).toEqual(ta.map((x) => !x));
      }),
      { numRuns: 150, seed: 752 },
    );
  });
});
