/**
 * The marker algebra: a reduced, hash-consed decision diagram over marker variables (in the spirit
 * of uv's marker ADD), so that `and`/`or`/`not` are memoized graph operations and equal markers are
 * the very same node.
 *
 * A node tests one variable and has one child per outcome:
 * - version variables: the version line is cut into segments by sorted, distinct `Cut`s; segment i
 *   leads to `children[i]` (n cuts, n+1 children). A value that is not a PEP 440 version sits in
 *   the lowest segment (below every version).
 * - string variables: a sorted list of values with their children, and `other` for every value not
 *   listed (so finite `==` sets and co-finite `!=` sets are both exact).
 * - boolean variables (opaque atoms, `'x' in extras`): `children[0]` if false, `children[1]` if true.
 * Variables are totally ordered (`compareVariables`), and every path tests variables in that order.
 * Reduced: adjacent segments never share a child and no node has a single outcome.
 *
 * Pitfalls: the tables are global and grow with the set of markers ever built; the operation memo
 * is dropped when it grows large (nodes are kept: identity is what makes `equals` cheap).
 */

import type { Version } from "@lockstep/pep440";
import type { MarkerContext, MarkerEnvironment } from "./environment";

export type VariableKind = "version" | "string" | "bool";

/** Something a boolean variable can ask of an environment (opaque atoms, set membership). */
export interface BoolTest {
  evaluate(env: MarkerEnvironment, ctx: MarkerContext | undefined): boolean;
}

export class Variable {
  private static nextId = 0;
  readonly id = Variable.nextId++;
  constructor(
    readonly kind: VariableKind,
    /** The marker name (`python_full_version`) or, for boolean variables, a unique key. */
    readonly key: string,
    /** Primary sort key of the variable order; ties broken by `key`. */
    readonly rank: number,
    /** Part of "which extras/groups are selected" (removed by `withoutExtras`). */
    readonly extraLike: boolean,
    readonly test?: BoolTest,
    /** For boolean variables: how to print the true and the false outcome. */
    readonly texts?: readonly [whenTrue: string, whenFalse: string],
  ) {}
}

export function compareVariables(a: Variable, b: Variable): number {
  if (a === b) return 0;
  if (a.rank !== b.rank) return a.rank - b.rank;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** A cut on the version line just below (`after: false`) or just above (`after: true`) a version. */
export class Cut {
  private static nextId = 0;
  readonly id = Cut.nextId++;
  constructor(
    readonly version: Version,
    readonly after: boolean,
  ) {}
}

const cutTable = new Map<string, Cut>();

/** Interned cut; `key` must identify the version up to PEP 440 equality (see `versionKey`). */
export function internCut(version: Version, after: boolean, key: string): Cut {
  const k = `${key}${after ? ">" : "<"}`;
  let cut = cutTable.get(k);
  if (cut === undefined) {
    cut = new Cut(version, after);
    cutTable.set(k, cut);
  }
  return cut;
}

export function compareCuts(a: Cut, b: Cut): number {
  if (a === b) return 0;
  const c = a.version.compare(b.version);
  if (c !== 0) return c;
  return (a.after ? 1 : 0) - (b.after ? 1 : 0);
}

/** Whether version `v` lies above the cut. */
export function isAbove(v: Version, cut: Cut): boolean {
  const c = v.compare(cut.version);
  return c > 0 || (c === 0 && !cut.after);
}

export class MarkerNode {
  private static nextId = 0;
  readonly id = MarkerNode.nextId++;
  constructor(
    readonly variable: Variable | undefined,
    readonly children: readonly MarkerNode[],
    readonly cuts: readonly Cut[] = [],
    readonly values: readonly string[] = [],
    readonly other: MarkerNode | undefined = undefined,
  ) {}
}

export const TRUE_NODE = new MarkerNode(undefined, []);
export const FALSE_NODE = new MarkerNode(undefined, []);

const nodeTable = new Map<string, MarkerNode>();

function intern(key: string, make: () => MarkerNode): MarkerNode {
  let node = nodeTable.get(key);
  if (node === undefined) {
    node = make();
    nodeTable.set(key, node);
  }
  return node;
}

/** A version node from cuts and children, merging equal neighbours. */
export function versionNode(
  variable: Variable,
  cuts: readonly Cut[],
  children: readonly MarkerNode[],
): MarkerNode {
  const keptCuts: Cut[] = [];
  const kept: MarkerNode[] = [children[0]!];
  for (let i = 0; i < cuts.length; i++) {
    const child = children[i + 1]!;
    if (child === kept[kept.length - 1]) continue;
    keptCuts.push(cuts[i]!);
    kept.push(child);
  }
  if (kept.length === 1) return kept[0]!;
  let key = `v${variable.id}`;
  for (let i = 0; i < keptCuts.length; i++) key += `:${kept[i]!.id}|${keptCuts[i]!.id}`;
  key += `:${kept[kept.length - 1]!.id}`;
  return intern(key, () => new MarkerNode(variable, kept, keptCuts));
}

/** A string node from sorted distinct values, their children and the child for all other values. */
export function stringNode(
  variable: Variable,
  values: readonly string[],
  children: readonly MarkerNode[],
  other: MarkerNode,
): MarkerNode {
  const keptValues: string[] = [];
  const kept: MarkerNode[] = [];
  for (let i = 0; i < values.length; i++) {
    if (children[i] === other) continue;
    keptValues.push(values[i]!);
    kept.push(children[i]!);
  }
  if (kept.length === 0) return other;
  let key = `s${variable.id}:${other.id}`;
  for (let i = 0; i < kept.length; i++) key += `|${kept[i]!.id}=${JSON.stringify(keptValues[i])}`;
  return intern(key, () => new MarkerNode(variable, kept, [], keptValues, other));
}

export function boolNode(variable: Variable, whenFalse: MarkerNode, whenTrue: MarkerNode): MarkerNode {
  if (whenFalse === whenTrue) return whenFalse;
  return intern(
    `b${variable.id}:${whenFalse.id}:${whenTrue.id}`,
    () => new MarkerNode(variable, [whenFalse, whenTrue]),
  );
}

/** Rebuilds `node` (a non-terminal) with each outcome's child replaced by `f(child)`. */
export function mapChildren(node: MarkerNode, f: (child: MarkerNode) => MarkerNode): MarkerNode {
  const v = node.variable!;
  switch (v.kind) {
    case "version":
      return versionNode(v, node.cuts, node.children.map(f));
    case "string":
      return stringNode(v, node.values, node.children.map(f), f(node.other!));
    case "bool":
      return boolNode(v, f(node.children[0]!), f(node.children[1]!));
  }
}

// ---------------------------------------------------------------------------------------------
// and / or / not

type Op = "and" | "or";
let memo = {
  and: new Map<number, Map<number, MarkerNode>>(),
  or: new Map<number, Map<number, MarkerNode>>(),
};
let memoSize = 0;
const notMemo = new Map<MarkerNode, MarkerNode>();

export function not(a: MarkerNode): MarkerNode {
  if (a === TRUE_NODE) return FALSE_NODE;
  if (a === FALSE_NODE) return TRUE_NODE;
  let r = notMemo.get(a);
  if (r === undefined) {
    r = mapChildren(a, not);
    notMemo.set(a, r);
    notMemo.set(r, a);
  }
  return r;
}

export function and(a: MarkerNode, b: MarkerNode): MarkerNode {
  if (a === FALSE_NODE || b === FALSE_NODE) return FALSE_NODE;
  if (a === TRUE_NODE || a === b) return b;
  if (b === TRUE_NODE) return a;
  return apply("and", a, b);
}

export function or(a: MarkerNode, b: MarkerNode): MarkerNode {
  if (a === TRUE_NODE || b === TRUE_NODE) return TRUE_NODE;
  if (a === FALSE_NODE || a === b) return b;
  if (b === FALSE_NODE) return a;
  return apply("or", a, b);
}

function apply(op: Op, a: MarkerNode, b: MarkerNode): MarkerNode {
  if (a.id > b.id) [a, b] = [b, a];
  const table = memo[op];
  let row = table.get(a.id);
  const hit = row?.get(b.id);
  if (hit !== undefined) return hit;
  const result = combine(op, a, b);
  if (memoSize > 2_000_000) {
    memo = { and: new Map(), or: new Map() };
    memoSize = 0;
    row = undefined;
  }
  if (row === undefined) {
    row = new Map();
    memo[op].set(a.id, row);
  }
  row.set(b.id, result);
  memoSize++;
  return result;
}

function combine(op: Op, a: MarkerNode, b: MarkerNode): MarkerNode {
  const f = op === "and" ? and : or;
  const order = compareVariables(a.variable!, b.variable!);
  if (order < 0) return mapChildren(a, (c) => f(c, b));
  if (order > 0) return mapChildren(b, (c) => f(a, c));
  const v = a.variable!;
  switch (v.kind) {
    case "bool":
      return boolNode(v, f(a.children[0]!, b.children[0]!), f(a.children[1]!, b.children[1]!));
    case "string":
      return combineStrings(v, f, a, b);
    case "version":
      return combineVersions(v, f, a, b);
  }
}

function combineVersions(
  v: Variable,
  f: (x: MarkerNode, y: MarkerNode) => MarkerNode,
  a: MarkerNode,
  b: MarkerNode,
): MarkerNode {
  const A = a.cuts;
  const B = b.cuts;
  const cuts: Cut[] = [];
  const children: MarkerNode[] = [f(a.children[0]!, b.children[0]!)];
  let i = 0;
  let j = 0;
  while (i < A.length || j < B.length) {
    if (j >= B.length) cuts.push(A[i++]!);
    else if (i >= A.length) cuts.push(B[j++]!);
    else {
      const c = compareCuts(A[i]!, B[j]!);
      if (c < 0) cuts.push(A[i++]!);
      else if (c > 0) cuts.push(B[j++]!);
      else {
        cuts.push(A[i++]!);
        j++;
      }
    }
    children.push(f(a.children[i]!, b.children[j]!));
  }
  return versionNode(v, cuts, children);
}

function combineStrings(
  v: Variable,
  f: (x: MarkerNode, y: MarkerNode) => MarkerNode,
  a: MarkerNode,
  b: MarkerNode,
): MarkerNode {
  const values: string[] = [];
  const children: MarkerNode[] = [];
  let i = 0;
  let j = 0;
  const A = a.values;
  const B = b.values;
  while (i < A.length || j < B.length) {
    const x = A[i];
    const y = B[j];
    if (y === undefined || (x !== undefined && x < y)) {
      values.push(x!);
      children.push(f(a.children[i++]!, b.other!));
    } else if (x === undefined || y < x) {
      values.push(y);
      children.push(f(a.other!, b.children[j++]!));
    } else {
      values.push(x);
      children.push(f(a.children[i++]!, b.children[j++]!));
    }
  }
  return stringNode(v, values, children, f(a.other!, b.other!));
}

// ---------------------------------------------------------------------------------------------
// evaluation and projection

/** The outcome index of a version value (or `undefined`, placed below every cut). */
export function segmentOf(node: MarkerNode, version: Version | undefined): number {
  if (version === undefined) return 0;
  const cuts = node.cuts;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (isAbove(version, cuts[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function stringChild(node: MarkerNode, value: string): MarkerNode {
  const i = node.values.indexOf(value);
  return i < 0 ? node.other! : node.children[i]!;
}

/** Existential projection: the variables for which `drop` holds are removed by or-ing outcomes. */
export function exists(
  node: MarkerNode,
  drop: (v: Variable) => boolean,
  cache = new Map<MarkerNode, MarkerNode>(),
): MarkerNode {
  if (node.variable === undefined) return node;
  const hit = cache.get(node);
  if (hit !== undefined) return hit;
  let result: MarkerNode;
  if (drop(node.variable)) {
    result = FALSE_NODE;
    for (const c of node.children) result = or(result, exists(c, drop, cache));
    if (node.other !== undefined) result = or(result, exists(node.other, drop, cache));
  } else {
    result = mapChildren(node, (c) => exists(c, drop, cache));
  }
  cache.set(node, result);
  return result;
}
