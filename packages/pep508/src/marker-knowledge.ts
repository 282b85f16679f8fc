/**
 * What the marker algebra knows about real environments beyond PEP 508: `sys_platform`,
 * `platform_system` and `os_name` describe the same operating system, and `implementation_name`
 * and `platform_python_implementation` the same interpreter. PEP 508 treats them as independent
 * strings, so `sys_platform == 'linux' and platform_system == 'Darwin'` is satisfiable on paper;
 * real metadata (`appnope; platform_system == 'Darwin'` under a `sys_platform == 'linux'` lock)
 * relies on it not being so.
 *
 * The knowledge is one diagram, `consistentEnvironments()`: the environments that respect every
 * rule below.
 * The algebra answers its questions (false? disjoint? equal? implies?) over consistent
 * environments only, and prints one representative of each class (marker-restrict.ts); evaluation
 * never uses it, so an environment where the values disagree is still evaluated literally.
 *
 * The rules (the facts uv's marker algebra relies on, AIX weakened, plus the implementation pair):
 * - sys_platform ⇔ platform_system where both are fixed strings: linux/Linux, darwin/Darwin,
 *   win32/Windows, emscripten/Emscripten, android/Android (PEP 738), ios/iOS or iPadOS (PEP 730).
 *   Linux reported `linux2` before Python 3.3; no interpreter a lock can target is that old.
 * - aix ⇒ AIX only: before Python 3.8 AIX reported `aix7` and the like, so AIX rules out the
 *   other listed sys_platform values but does not imply `aix`.
 * - cygwin's platform_system carries a version (`CYGWIN_NT-10.0-...`), and the BSDs' sys_platform
 *   does (`freebsd14`): so sys_platform cygwin rules out every listed platform_system, and
 *   platform_system FreeBSD/OpenBSD/NetBSD/SunOS rules out every listed sys_platform.
 * - os_name is not `posix` on win32/Windows and not `nt` on every other listed platform (an
 *   exclusion, as uv has it: the packse fork scenarios lock differently from uv if linux implies
 *   `posix` outright). Nothing follows from os_name alone: `nt` does not imply win32 (IronPython
 *   reports sys_platform `cli`).
 * - implementation_name ⇔ platform_python_implementation: cpython/CPython, pypy/PyPy,
 *   graalpy/GraalVM, ironpython/IronPython, jython/Jython.
 * Pitfalls: values not listed are unconstrained (any os_name, any pairing), so every single
 * condition on one variable stays satisfiable; that is what makes `needsKnowledge` a sound
 * shortcut. Adding a fact that rules out a single value would break it.
 */

import { FALSE_NODE, TRUE_NODE, and, not, or, stringNode } from "./marker-node";
import type { MarkerNode, Variable } from "./marker-node";
import { stringVariable } from "./marker-lower";

interface Platform {
  /** Exact sys_platform values (empty when it carries a version, as on the BSDs). */
  sys: readonly string[];
  /** Exact platform_system values (empty when it carries a version, as on Cygwin). */
  system: readonly string[];
  /** The os_name family, which the platform's values rule out the other of. */
  os: "posix" | "nt";
  /** `sys` is not every value this platform reports (older Pythons used other spellings). */
  sysIncomplete?: true;
}

export const PLATFORMS: readonly Platform[] = [
  { sys: ["linux"], system: ["Linux"], os: "posix" },
  { sys: ["darwin"], system: ["Darwin"], os: "posix" },
  { sys: ["win32"], system: ["Windows"], os: "nt" },
  { sys: ["cygwin"], system: [], os: "posix" },
  { sys: ["emscripten"], system: ["Emscripten"], os: "posix" },
  { sys: ["android"], system: ["Android"], os: "posix" },
  { sys: ["ios"], system: ["iOS", "iPadOS"], os: "posix" },
  { sys: ["aix"], system: ["AIX"], os: "posix", sysIncomplete: true },
  { sys: [], system: ["FreeBSD"], os: "posix" },
  { sys: [], system: ["OpenBSD"], os: "posix" },
  { sys: [], system: ["NetBSD"], os: "posix" },
  { sys: [], system: ["SunOS"], os: "posix" },
];

/** implementation_name and platform_python_implementation of the same interpreter. */
export const IMPLEMENTATIONS: readonly (readonly [name: string, platform: string])[] = [
  ["cpython", "CPython"],
  ["pypy", "PyPy"],
  ["graalpy", "GraalVM"],
  ["ironpython", "IronPython"],
  ["jython", "Jython"],
];

const OS_NAME = stringVariable("os_name");
const SYS_PLATFORM = stringVariable("sys_platform");
const PLATFORM_SYSTEM = stringVariable("platform_system");
const IMPLEMENTATION_NAME = stringVariable("implementation_name");
const PYTHON_IMPLEMENTATION = stringVariable("platform_python_implementation");

function oneOf(v: Variable, values: readonly string[]): MarkerNode {
  const sorted = [...new Set(values)].sort();
  return stringNode(
    v,
    sorted,
    sorted.map(() => TRUE_NODE),
    FALSE_NODE,
  );
}

function implies(a: MarkerNode, b: MarkerNode): MarkerNode {
  return or(not(a), b);
}

function buildConsistent(): MarkerNode {
  let c = TRUE_NODE;
  const allSys = PLATFORMS.flatMap((p) => p.sys);
  const allSystem = PLATFORMS.flatMap((p) => p.system);
  for (const p of PLATFORMS) {
    const sys = oneOf(SYS_PLATFORM, p.sys);
    const system = oneOf(PLATFORM_SYSTEM, p.system);
    // Exclusion, not implication: `os_name == 'posix'` on Linux is true, but uv only excludes the
    // other family, and forks (hence locks) differ when the algebra knows more than uv does.
    const os = not(oneOf(OS_NAME, [p.os === "nt" ? "posix" : "nt"]));
    if (p.sys.length > 0) {
      c = and(c, implies(sys, p.system.length > 0 ? system : not(oneOf(PLATFORM_SYSTEM, allSystem))));
      c = and(c, implies(sys, os));
    }
    if (p.system.length > 0) {
      const others = allSys.filter((x) => !p.sys.includes(x));
      const complete = p.sys.length > 0 && p.sysIncomplete === undefined;
      c = and(c, implies(system, complete ? sys : not(oneOf(SYS_PLATFORM, others))));
      c = and(c, implies(system, os));
    }
  }
  for (const [name, platform] of IMPLEMENTATIONS) {
    const n = oneOf(IMPLEMENTATION_NAME, [name]);
    const p = oneOf(PYTHON_IMPLEMENTATION, [platform]);
    c = and(c, and(implies(n, p), implies(p, n)));
  }
  return c;
}

/**
 * The variables a printed marker keeps when an equivalent test of another would do:
 * `platform_system == 'Windows'` prints as `sys_platform == 'win32'` (as uv writes it), and
 * `implementation_name == 'pypy'` as `platform_python_implementation == 'PyPy'`.
 */
export function isPreferred(v: Variable): boolean {
  return v === SYS_PLATFORM || v === PYTHON_IMPLEMENTATION;
}

let consistentNode: MarkerNode | undefined;

/**
 * The consistent environments (see the rules above). Built on first use, not at load: building it
 * costs a few ms of cold code, and many locks never test two related variables together.
 */
export function consistentEnvironments(): MarkerNode {
  return (consistentNode ??= buildConsistent());
}

// Bits of the related variables a diagram tests; two of one group are needed for a rule to bite.
const BITS = new Map<Variable, number>([
  [OS_NAME, 1],
  [SYS_PLATFORM, 2],
  [PLATFORM_SYSTEM, 4],
  [IMPLEMENTATION_NAME, 8],
  [PYTHON_IMPLEMENTATION, 16],
]);
const PLATFORM_BITS = 1 | 2 | 4;
const IMPLEMENTATION_BITS = 8 | 16;

const masks = new WeakMap<MarkerNode, number>();

/** Which related variables the diagram tests (a bit set). */
export function relatedMask(node: MarkerNode): number {
  if (node.variable === undefined) return 0;
  let mask = masks.get(node);
  if (mask === undefined) {
    mask = BITS.get(node.variable) ?? 0;
    for (const c of node.children) mask |= relatedMask(c);
    if (node.other !== undefined) mask |= relatedMask(node.other);
    masks.set(node, mask);
  }
  return mask;
}

function moreThanOne(bits: number): boolean {
  return (bits & (bits - 1)) !== 0;
}

/**
 * Whether the knowledge can change an answer about a diagram testing these variables. With at
 * most one variable of each group, every assignment satisfying the diagram extends to a
 * consistent environment (no rule rules out a single value), so plain answers are already exact.
 */
export function needsKnowledge(mask: number): boolean {
  return moreThanOne(mask & PLATFORM_BITS) || moreThanOne(mask & IMPLEMENTATION_BITS);
}

/** The diagram restricted to consistent environments: canonical for its class (equal iff equal there). */
export function consistent(node: MarkerNode): MarkerNode {
  return and(node, consistentEnvironments());
}

/** No consistent environment satisfies the diagram. */
export function isUnsatisfiable(node: MarkerNode): boolean {
  if (node === FALSE_NODE) return true;
  if (node === TRUE_NODE || !needsKnowledge(relatedMask(node))) return false;
  return consistent(node) === FALSE_NODE;
}
