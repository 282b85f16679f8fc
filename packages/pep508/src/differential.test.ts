/**
 * Differential test against pypa/packaging 23 (the reference implementation of PEP 508), run as one
 * batch in one `/usr/bin/python3` process. Deliberate differences (docs/pep508.md) are not
 * generated: literal-vs-literal comparisons, `===` on version variables, backslashes, PEP 751
 * variables, and pre-release literals on the left of a comparison. Where packaging raises during
 * evaluation (e.g. `os_name == '1.0'`), there is nothing to compare and the case is counted.
 */

import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { Specifier } from "@lockstep/pep440";
import { Marker } from "./marker";
import { Requirement } from "./requirement";
import { canonicalizeName } from "./names";
import { grid, pick, prng } from "./test-grid";

const ORACLE = String.raw`
import json, sys
import packaging
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
batch = json.load(sys.stdin)
envs = batch["envs"]
def evals(marker):
    out = []
    for env in envs:
        try:
            out.append(bool(marker.evaluate(env)))
        except Exception:
            out.append(None)
    return out
reqs = []
for s in batch["requirements"]:
    try:
        r = Requirement(s)
        reqs.append({"ok": True, "name": r.name, "extras": sorted({canonicalize_name(e) for e in r.extras}),
                     "specs": [s.operator + s.version for s in r.specifier], "url": r.url,
                     "evals": evals(r.marker) if r.marker is not None else None})
    except Exception as e:
        reqs.append({"ok": False, "error": str(e).splitlines()[0]})
markers = []
for s in batch["markers"]:
    try:
        # packaging 23.0's Marker() ignores trailing text; a requirement checks for the end.
        m = Requirement("x; " + s).marker
        markers.append({"ok": True, "evals": evals(m)})
    except Exception as e:
        markers.append({"ok": False, "error": str(e).splitlines()[0]})
print(json.dumps({"version": packaging.__version__, "requirements": reqs, "markers": markers}))
`;

const rand = prng(508);
const ws = () => pick(rand, ["", "", " ", "  ", "\t"]);

const STRING_VARS = [
  "os_name",
  "sys_platform",
  "platform_system",
  "platform_machine",
  "platform_python_implementation",
  "implementation_name",
  "platform_version",
  "platform_release",
  "os.name",
  "sys.platform",
  "python_implementation",
  "platform.machine",
];
const STRING_VALUES = [
  "linux",
  "darwin",
  "win32",
  "nt",
  "posix",
  "Linux",
  "Windows",
  "Darwin",
  "x86_64",
  "AMD64",
  "arm64",
  "CPython",
  "PyPy",
  "cpython",
  "pypy",
  "lin",
  "win",
  "",
  "other",
  "5.15.0",
  "10",
  "1.0",
  "#1 SMP",
  "a b",
];
const VERSION_VARS = ["python_version", "python_full_version", "implementation_version"];
const VERSION_VALUES = [
  "2.7",
  "3",
  "3.6",
  "3.7",
  "3.8",
  "3.9",
  "3.10",
  "3.11",
  "3.12",
  "3.13",
  "3.8.0",
  "3.8.18",
  "3.10.1",
  "3.12.0",
  "3.*",
  "3.8.*",
  "3.9rc1",
  "3.8.post1",
  "3.8.0.0",
  "7.3",
  "7.3.12",
  "abc",
  "",
  "3.8 3.9",
  "2.7 3.6",
  "3.1",
  "v3.8",
  "3.8 ",
  "4",
];
const OPS = ["<", "<=", "==", "!=", ">=", ">", "~=", "in", "not in"];

function atom(): string {
  const r = rand();
  if (r < 0.45) {
    const v = pick(rand, VERSION_VARS);
    const value = pick(rand, VERSION_VALUES);
    const op = pick(rand, OPS);
    // A literal on the left is mirrored; only exact for non-pre-release literals.
    if (rand() < 0.1 && /^\d+(\.\d+)*$/.test(value) && op !== "~=")
      return `'${value}'${ws()}${op === "in" || op === "not in" ? ` ${op} ` : op}${ws()}${v}`;
    return `${v}${op.includes("in") ? " " : ws()}${op}${op.includes("in") ? " " : ws()}'${value}'`;
  }
  if (r < 0.85) {
    const v = pick(rand, STRING_VARS);
    const value = pick(rand, STRING_VALUES);
    const op = rand() < 0.6 ? pick(rand, ["==", "!="]) : pick(rand, [...OPS, "==="]);
    const q = value.includes("'") ? '"' : "'";
    if (rand() < 0.15) return `${q}${value}${q} ${op} ${v}`;
    return `${v} ${op} ${q}${value}${q}`;
  }
  const value = pick(rand, ["test", "Test_Me", "foo-bar", "foo.bar", "FOO_BAR", "", "doc"]);
  const op = pick(rand, ["==", "!=", "==", "!=", "in", "not in", "<"]);
  return rand() < 0.15 && (op === "==" || op === "!=") ? `'${value}' ${op} extra` : `extra ${op} '${value}'`;
}

function marker(depth = 0): string {
  const r = rand();
  if (depth > 2 || r < 0.4) return atom();
  if (r < 0.55) return `(${ws()}${marker(depth + 1)}${ws()})`;
  return `${marker(depth + 1)} ${pick(rand, ["and", "or"])} ${marker(depth + 1)}`;
}

const NAMES = [
  "foo",
  "Foo_Bar",
  "a",
  "a1",
  "foo.bar",
  "foo-",
  "-foo",
  "1",
  "foo_",
  "zope.interface",
  "x-y-z",
  "requests",
];
const SPECS = [
  ">=1.0",
  "<2",
  "==1.0.*",
  "~=1.4.2",
  "!=1.5",
  "===foo",
  ">= 1.0",
  "==1.0+local",
  ">=1.0+local",
  "~=1",
  "==1.*.0",
  ">1.0a1",
  "<=2.0.post1",
  "== 3",
  ">=v1.0",
  ">=1.0abc",
  "",
];
const URLS = [
  "https://example.com/foo-1.0.whl",
  "git+https://github.com/a/b@v1",
  "file:///tmp/x.tar.gz",
  "file:/tmp/x",
  "www.example.com",
  "https:///x",
  "http://",
  "https://x.org/a;b",
  "ssh://git@host/x",
];

function requirement(): string {
  const name = pick(rand, NAMES);
  let s = `${ws()}${name}${ws()}`;
  if (rand() < 0.3)
    s += `[${ws()}${Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(rand, ["bar", "Baz_Qux", "test", "a.b", "doc"])).join(pick(rand, [",", ", ", " ,"]))}${ws()}]${ws()}`;
  if (rand() < 0.2) {
    s += `@${ws()}${pick(rand, URLS)}`;
    if (rand() < 0.5) s += `${pick(rand, [" ", "", "  "])};${ws()}${marker()}`;
    return s;
  }
  const specs = Array.from({ length: Math.floor(rand() * 3) }, () => pick(rand, SPECS)).join(
    pick(rand, [",", ", ", " , "]),
  );
  s += rand() < 0.25 ? `(${specs})` : specs;
  if (rand() < 0.5) s += `${ws()};${ws()}${marker()}`;
  return s;
}

const JUNK = [
  "(",
  ")",
  "[",
  "]",
  ",",
  ";",
  "'",
  '"',
  " ",
  "=",
  "<",
  "@",
  "a",
  "1",
  ".",
  "-",
  "and",
  "or",
  "not",
];
function mutate(s: string): string {
  const i = Math.floor(rand() * (s.length + 1));
  return rand() < 0.5 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + pick(rand, JUNK) + s.slice(i);
}

interface OracleRequirement {
  ok: boolean;
  name?: string;
  extras?: string[];
  specs?: string[];
  url?: string | null;
  evals?: (boolean | null)[] | null;
  error?: string;
}

const cells = grid({ extras: ["", "test", "foo-bar"], prerelease: true });
const envs = cells.map((g) => ({ ...g.env, extra: g.extra }));
const markers = [
  ...Array.from({ length: 3000 }, () => marker()),
  ...Array.from({ length: 500 }, () => mutate(marker())),
];
const requirements = [
  ...Array.from({ length: 2000 }, requirement),
  ...Array.from({ length: 1000 }, () => mutate(requirement())),
];

// Deliberate differences: we reject comparisons without exactly one variable (packaging accepts and
// then fails or compares the variable name as text at evaluation time).
const DELIBERATE = /needs one variable and one quoted string|can only be used as/;

function run() {
  const result = spawnSync("/usr/bin/python3", ["-c", ORACLE], {
    input: JSON.stringify({ envs, markers, requirements }),
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0)
    throw new Error(`the packaging oracle failed to run: ${result.error ?? result.stderr}`);
  return JSON.parse(result.stdout) as {
    version: string;
    requirements: OracleRequirement[];
    markers: OracleRequirement[];
  };
}

function tryParse<T>(f: () => T): { value?: T; error?: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error & { reason?: string }).reason ?? String(e) };
  }
}

function compareEvals(m: Marker, expected: (boolean | null)[], label: string, problems: string[]): number {
  let compared = 0;
  cells.forEach((g, i) => {
    const want = expected[i];
    if (want === null || want === undefined) return;
    compared++;
    const got = m.evaluate(g.env, { extra: g.extra });
    if (got !== want)
      problems.push(
        `${label}: env #${i} (${g.env.sys_platform} ${g.env.implementation_name} ${g.env.python_full_version} extra=${g.extra}) expected ${want}, got ${got}; canonical ${JSON.stringify(m.toString())}`,
      );
  });
  return compared;
}

describe("differential vs pypa/packaging", () => {
  const oracle = run();

  test("the oracle is packaging >= 23", () => {
    expect(Number(oracle.version.split(".")[0])).toBeGreaterThanOrEqual(23);
  });

  test(`${markers.length} markers parse and evaluate alike over ${cells.length} environments`, () => {
    const problems: string[] = [];
    let compared = 0;
    let parsed = 0;
    markers.forEach((text, i) => {
      const want = oracle.markers[i]!;
      const got = tryParse(() => Marker.parse(text));
      if (got.value === undefined) {
        if (want.ok && !DELIBERATE.test(got.error!))
          problems.push(`${JSON.stringify(text)}: packaging parses it, we fail: ${got.error}`);
        return;
      }
      if (!want.ok) {
        problems.push(
          `${JSON.stringify(text)}: packaging fails (${want.error}), we parse it as ${JSON.stringify(got.value.toString())}`,
        );
        return;
      }
      parsed++;
      compared += compareEvals(got.value, want.evals!, JSON.stringify(text), problems);
    });
    expect(problems.slice(0, 20)).toEqual([]);
    expect(parsed).toBeGreaterThan(2000);
    expect(compared).toBeGreaterThan(parsed * cells.length * 0.5);
  });

  test(`${requirements.length} requirements parse alike`, () => {
    const problems: string[] = [];
    let parsed = 0;
    requirements.forEach((text, i) => {
      const want = oracle.requirements[i]!;
      const got = tryParse(() => Requirement.parse(text));
      if (got.value === undefined) {
        if (want.ok && !DELIBERATE.test(got.error!))
          problems.push(`${JSON.stringify(text)}: packaging parses it, we fail: ${got.error}`);
        return;
      }
      if (!want.ok) {
        problems.push(`${JSON.stringify(text)}: packaging fails (${want.error}), we parse it`);
        return;
      }
      parsed++;
      const r = got.value;
      const label = JSON.stringify(text);
      if (r.name !== want.name) problems.push(`${label}: name ${r.name} vs ${want.name}`);
      if (r.canonicalName !== canonicalizeName(want.name!))
        problems.push(`${label}: canonical name ${r.canonicalName}`);
      if (JSON.stringify(r.extras) !== JSON.stringify(want.extras))
        problems.push(`${label}: extras ${r.extras} vs ${want.extras}`);
      const ours = r.specifier.specifiers.map((s) => s.toString()).sort();
      const theirs = want.specs!.map((s) => Specifier.parse(s).toString()).sort();
      if (JSON.stringify(ours) !== JSON.stringify(theirs))
        problems.push(`${label}: specifiers ${ours} vs ${theirs}`);
      if ((r.url ?? null) !== want.url) problems.push(`${label}: url ${r.url} vs ${want.url}`);
      if (want.evals === null) {
        if (!r.marker.isTrue()) problems.push(`${label}: marker should be absent`);
      } else compareEvals(r.marker, want.evals!, label, problems);
    });
    expect(problems.slice(0, 20)).toEqual([]);
    expect(parsed).toBeGreaterThan(1000);
  });
});
