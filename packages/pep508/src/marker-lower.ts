/**
 * Lowering parsed comparisons into decision-diagram nodes (see marker-node.ts), and the variable
 * registry that fixes the variable order.
 *
 * - `python_version` is folded into `python_full_version`: `python_version OP 'X.Y'` holds exactly
 *   for the 2-segment releases X.Y matching the specifier, and python_version X.Y means every full
 *   version in [X.Y.dev0, X.(Y+1).dev0). `python_version in '2.7 3.6'` becomes the X.Y substrings.
 * - `python_full_version`, `implementation_version`, and `platform_release` when `OP 'value'` is a
 *   valid PEP 440 specifier, are version variables labelled by the specifier's version set.
 * - Other string variables: `==`/`!=` (and `===`) are exact value sets. `in`/`not in`, `<`/`>`...
 *   on strings, and comparisons that are not valid specifiers, become opaque boolean atoms that
 *   evaluate with packaging's semantics but are independent of every other variable.
 * - `extra == 'x'` is a string variable over normalized names; `'x' in extras` and
 *   `'g' in dependency_groups` are boolean variables per normalized name.
 * Pitfalls: a literal on the left of a version comparison is mirrored (`'3.8' < python_version` is
 * `python_version > '3.8'`); `~=`/`===` with no valid specifier (packaging raises) are false.
 */

import { Specifier, Version, VersionSet } from "@lockstep/pep440";
import type { Interval } from "@lockstep/pep440";
import { evaluateComparison } from "./compare";
import type { MarkerContext, MarkerEnvironment } from "./environment";
import type { Comparison, MarkerExpr, MarkerOperator, MarkerVariable } from "./marker-expr";
import {
  FALSE_NODE,
  TRUE_NODE,
  Variable,
  and,
  boolNode,
  compareCuts,
  internCut,
  not,
  or,
  stringNode,
  versionNode,
} from "./marker-node";
import type { Cut, MarkerNode, VariableKind } from "./marker-node";
import { canonicalizeName } from "./names";

const RANKS = {
  python_full_version: 0,
  implementation_version: 1,
  "platform_release#version": 2,
  os_name: 3,
  sys_platform: 4,
  platform_system: 5,
  platform_machine: 6,
  platform_python_implementation: 7,
  implementation_name: 8,
  platform_release: 9,
  platform_version: 10,
  opaque: 11,
  extra: 12,
  "opaque#extra": 13,
  extras: 14,
  dependency_groups: 15,
} as const;

const registry = new Map<string, Variable>();

function variable(
  kind: VariableKind,
  key: string,
  rank: number,
  extraLike: boolean,
  make?: () => Variable,
): Variable {
  const id = `${kind}:${rank}:${key}`;
  let v = registry.get(id);
  if (v === undefined) {
    v = make?.() ?? new Variable(kind, key, rank, extraLike);
    registry.set(id, v);
  }
  return v;
}

export const PYTHON_FULL_VERSION = variable(
  "version",
  "python_full_version",
  RANKS.python_full_version,
  false,
);

function versionVariable(
  name: "python_full_version" | "implementation_version" | "platform_release",
): Variable {
  const rank = name === "platform_release" ? RANKS["platform_release#version"] : RANKS[name];
  return variable("version", name, rank, false);
}

export function stringVariable(name: Exclude<MarkerVariable, "extras" | "dependency_groups">): Variable {
  return variable("string", name, RANKS[name as keyof typeof RANKS], name === "extra");
}

/** A PEP 440-equality key for a version: trailing zeros of the release do not matter. */
export function versionKey(v: Version): string {
  const s = v.toString();
  const prefix = v.epoch ? `${v.epoch}!` : "";
  const release = v.release.join(".");
  let n = v.release.length;
  while (n > 1 && v.release[n - 1] === 0) n--;
  if (!s.startsWith(prefix + release)) return s;
  return prefix + v.release.slice(0, n).join(".") + s.slice(prefix.length + release.length);
}

export function cutAt(version: Version, after: boolean): Cut {
  return internCut(version, after, versionKey(version));
}

function intervalsNode(v: Variable, intervals: readonly Interval[]): MarkerNode {
  const cuts: Cut[] = [];
  const children: MarkerNode[] = [FALSE_NODE];
  for (const interval of intervals) {
    if (interval.lower === undefined) children[0] = TRUE_NODE;
    else pushCut(cuts, children, cutAt(interval.lower.version, !interval.lower.inclusive), TRUE_NODE);
    if (interval.upper !== undefined)
      pushCut(cuts, children, cutAt(interval.upper.version, interval.upper.inclusive), FALSE_NODE);
  }
  return versionNode(v, cuts, children);
}

/**
 * The node for "var lies in this version set". Marker values are final releases or pre-releases,
 * so for the rare sets whose pre-releases differ from their final releases (`<3.8` drops 3.8rc1),
 * a segment takes the pre-release verdict when it holds only pre-releases of one release
 * ([V.dev0, V)), and the final-release verdict otherwise.
 */
export function versionSetNode(v: Variable, set: VersionSet): MarkerNode {
  const finals = intervalsNode(v, set.intervals);
  if (set.isUniform) return finals;
  const pres = intervalsNode(v, set.intervalsFor({ prerelease: true, postrelease: false, local: false }));
  if (finals === pres || finals.variable === undefined || pres.variable === undefined) return finals;
  const cuts = [...new Set([...finals.cuts, ...pres.cuts])].sort(compareCuts);
  const children: MarkerNode[] = [];
  for (let i = 0; i <= cuts.length; i++) {
    const lo = cuts[i - 1];
    const hi = cuts[i];
    const f = finals.children[segmentIndex(finals.cuts, lo, hi)]!;
    const p = pres.children[segmentIndex(pres.cuts, lo, hi)]!;
    let onlyPre = false;
    const h = hi?.version;
    const isFinal =
      h !== undefined &&
      !h.isPrerelease &&
      h.post === undefined &&
      h.local === undefined &&
      !h.toString().includes("∞");
    if (f !== p && lo !== undefined && hi !== undefined && !hi.after && isFinal) {
      const dev0 = cutAt(
        Version.parse(
          `${hi.version.epoch ? `${hi.version.epoch}!` : ""}${hi.version.release.join(".")}.dev0`,
        ),
        false,
      );
      onlyPre = compareCuts(lo, dev0) >= 0;
    }
    children.push(onlyPre ? p : f);
  }
  return versionNode(v, cuts, children);
}

/** Which segment of `cuts` contains the segment (lo, hi) of a refinement. */
function segmentIndex(cuts: readonly Cut[], lo: Cut | undefined, _hi: Cut | undefined): number {
  if (lo === undefined) return 0;
  let i = 0;
  while (i < cuts.length && compareCuts(cuts[i]!, lo) <= 0) i++;
  return i;
}

function pushCut(cuts: Cut[], children: MarkerNode[], cut: Cut, child: MarkerNode): void {
  const last = cuts[cuts.length - 1];
  if (last !== undefined && compareCuts(last, cut) === 0) {
    // A zero-width segment between two equal cuts holds no version.
    cuts.pop();
    children.pop();
    return;
  }
  cuts.push(cut);
  children.push(child);
}

/** The cut just below every full version whose python_version is X.Y. */
export function minorCut(x: number, y: number): Cut {
  return cutAt(Version.parse(`${x}.${y}.dev0`), false);
}

/** `python_version` in the given X.Y range [from, to) (`to` undefined: unbounded). */
function minorRange(from: [number, number] | undefined, to: [number, number] | undefined): MarkerNode {
  const cuts: Cut[] = [];
  const children: MarkerNode[] = [from === undefined ? TRUE_NODE : FALSE_NODE];
  if (from !== undefined) {
    cuts.push(minorCut(from[0], from[1]));
    children.push(TRUE_NODE);
  }
  if (to !== undefined) {
    cuts.push(minorCut(to[0], to[1]));
    children.push(FALSE_NODE);
  }
  return versionNode(PYTHON_FULL_VERSION, cuts, children);
}

/** `python_version` as a set of X.Y releases matching `spec`, folded into python_full_version. */
function pythonVersionNode(spec: Specifier): MarkerNode {
  const v = Version.parse(spec.version.replace(/\.\*$/, ""));
  const r0 = v.release[0] ?? 0;
  const r1 = v.release[1] ?? 0;
  // Membership of X.Y only changes at these starts (lexicographic order of (X, Y)).
  const starts: [number, number][] = [
    [0, 0],
    [r0, 0],
    [r0, r1],
    [r0, r1 + 1],
    [r0 + 1, 0],
  ];
  starts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let node = FALSE_NODE;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    const next = starts[i + 1];
    if (next !== undefined && next[0] === s[0] && next[1] === s[1]) continue;
    if (!spec.contains(Version.parse(`${s[0]}.${s[1]}`), true)) continue;
    node = or(node, minorRange(s[0] === 0 && s[1] === 0 ? undefined : s, next));
  }
  return node;
}

/** `python_version in 'literal'`: the X.Y values that are substrings of the literal. */
function pythonVersionIn(literal: string): MarkerNode {
  let node = FALSE_NODE;
  const seen = new Set<string>();
  for (let i = 0; i < literal.length; i++) {
    for (let j = i + 3; j <= literal.length; j++) {
      const sub = literal.slice(i, j);
      if (seen.has(sub) || !/^(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})$/.test(sub)) continue;
      seen.add(sub);
      const [x, y] = sub.split(".").map(Number) as [number, number];
      node = or(node, minorRange([x, y], [x, y + 1]));
    }
  }
  return node;
}

function tryParseSpecifier(text: string): Specifier | undefined {
  try {
    return Specifier.parse(text);
  } catch {
    return undefined;
  }
}

const MIRROR: Partial<Record<MarkerOperator, MarkerOperator>> = {
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
  "==": "==",
  "!=": "!=",
  "===": "===",
};

const NEGATE: Partial<Record<MarkerOperator, MarkerOperator>> = {
  "!=": "==",
  ">=": "<",
  ">": "<=",
  "not in": "in",
};

export function quote(value: string): string {
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

/** An independent boolean atom evaluated with packaging's comparison semantics. */
function opaque(
  name: MarkerVariable,
  op: MarkerOperator,
  literal: string,
  literalFirst: boolean,
): MarkerNode {
  const negated = NEGATE[op];
  if (negated !== undefined) return not(opaque(name, negated, literal, literalFirst));
  const inverse: Record<string, MarkerOperator> = { "==": "!=", "<": ">=", "<=": ">", in: "not in" };
  const text = (o: MarkerOperator) =>
    literalFirst ? `${quote(literal)} ${o} ${name}` : `${name} ${o} ${quote(literal)}`;
  const isExtra = name === "extra";
  const key = text(op);
  const rank = isExtra ? RANKS["opaque#extra"] : RANKS.opaque;
  const v = variable("bool", key, rank, isExtra, () => {
    const test = {
      evaluate(env: MarkerEnvironment, ctx: MarkerContext | undefined): boolean {
        const value = name === "extra" ? (ctx?.extra ?? "") : env[name as keyof MarkerEnvironment];
        return literalFirst
          ? evaluateComparison(literal, op, value, isExtra)
          : evaluateComparison(value, op, literal, isExtra);
      },
    };
    return new Variable("bool", key, rank, isExtra, test, [key, text(inverse[op] ?? op)]);
  });
  return boolNode(v, FALSE_NODE, TRUE_NODE);
}

function equalsNode(v: Variable, value: string): MarkerNode {
  return stringNode(v, [value], [TRUE_NODE], FALSE_NODE);
}

/** A boolean membership variable: `'name' in extras` / `'name' in dependency_groups`. */
export function membershipNode(set: "extras" | "dependency_groups", name: string): MarkerNode {
  const normalized = canonicalizeName(name);
  const key = `${quote(normalized)} in ${set}`;
  const v = variable("bool", key, RANKS[set], true, () => {
    const test = {
      evaluate(_env: MarkerEnvironment, ctx: MarkerContext | undefined): boolean {
        const selected = set === "extras" ? ctx?.extras : ctx?.dependencyGroups;
        return selected?.some((s) => canonicalizeName(s) === normalized) ?? false;
      },
    };
    return new Variable("bool", key, RANKS[set], true, test, [key, `${quote(normalized)} not in ${set}`]);
  });
  return boolNode(v, FALSE_NODE, TRUE_NODE);
}

/** Lowered comparisons by their parts: nodes are interned and immutable, so one is enough. */
const lowered = new Map<string, MarkerNode>();

function lowerComparison(c: Comparison): MarkerNode {
  const literalFirst = c.left.kind === "string";
  const name = (literalFirst ? c.right : c.left) as { kind: "variable"; name: MarkerVariable };
  const literal = ((literalFirst ? c.left : c.right) as { kind: "string"; value: string }).value;
  const key = `${literalFirst ? "<" : ">"}${name.name} ${c.op} ${literal}`;
  let node = lowered.get(key);
  if (node === undefined) {
    node = lowerComparisonUncached(c);
    if (lowered.size >= 20_000) lowered.clear();
    lowered.set(key, node);
  }
  return node;
}

function lowerComparisonUncached(c: Comparison): MarkerNode {
  const literalFirst = c.left.kind === "string";
  const name = (literalFirst ? c.right : c.left) as { kind: "variable"; name: MarkerVariable };
  const literal = ((literalFirst ? c.left : c.right) as { kind: "string"; value: string }).value;
  let op = c.op;
  const variableName = name.name;

  if (variableName === "extras" || variableName === "dependency_groups") {
    const node = membershipNode(variableName, literal);
    return op === "not in" ? not(node) : node;
  }
  if (variableName === "extra") {
    if (op === "==" || op === "===") return equalsNode(stringVariable("extra"), canonicalizeName(literal));
    if (op === "!=") return not(equalsNode(stringVariable("extra"), canonicalizeName(literal)));
    if (op === "~=") return FALSE_NODE;
    if (literalFirst && op !== "in" && op !== "not in") return opaque("extra", MIRROR[op]!, literal, false);
    return opaque("extra", op, literal, literalFirst);
  }

  const isVersionVariable =
    variableName === "python_version" ||
    variableName === "python_full_version" ||
    variableName === "implementation_version";
  if (isVersionVariable || variableName === "platform_release") {
    if (op === "in" || op === "not in") {
      if (variableName === "python_version" && !literalFirst) {
        const node = pythonVersionIn(literal);
        return op === "in" ? node : not(node);
      }
      if (isVersionVariable || literalFirst) return opaque(variableName, op, literal, literalFirst);
    } else {
      if (literalFirst) {
        // packaging builds the specifier from the environment's value and tests the literal.
        if (op === "~=" || Version.tryParse(literal) == null) return FALSE_NODE;
        op = MIRROR[op]!;
      }
      const spec = tryParseSpecifier(op + literal);
      if (spec !== undefined) {
        if (variableName === "python_version") {
          if (op === "===")
            return /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/.test(literal)
              ? pythonVersionNode(Specifier.parse(`==${literal}`))
              : FALSE_NODE;
          return pythonVersionNode(spec);
        }
        const v = versionVariable(variableName);
        if (op === "===") {
          const exact = Version.tryParse(literal);
          if (exact == null || exact.toString() !== literal.toLowerCase()) return FALSE_NODE;
          return versionSetNode(v, VersionSet.exact(exact));
        }
        return versionSetNode(v, VersionSet.fromSpecifier(spec));
      }
      if (op === "~=" || op === "===") return FALSE_NODE;
      if (isVersionVariable) return opaque(variableName, op, literal, false);
    }
  }

  const v = stringVariable(variableName);
  switch (op) {
    case "==":
    case "===":
      return equalsNode(v, literal);
    case "!=":
      return not(equalsNode(v, literal));
    case "~=":
      return FALSE_NODE;
    case "in":
    case "not in":
      return opaque(variableName, op, literal, literalFirst);
    default:
      return opaque(variableName, literalFirst ? MIRROR[op]! : op, literal, false);
  }
}

export function lower(expr: MarkerExpr): MarkerNode {
  switch (expr.kind) {
    case "compare":
      return lowerComparison(expr);
    case "and":
      return expr.items.reduce<MarkerNode>((acc, e) => and(acc, lower(e)), TRUE_NODE);
    case "or":
      return expr.items.reduce<MarkerNode>((acc, e) => or(acc, lower(e)), FALSE_NODE);
  }
}
