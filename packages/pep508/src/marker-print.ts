/**
 * Canonical text of a marker diagram: a disjunction of conjunctions read off the paths to TRUE,
 * with redundant atoms and terms removed, so that equal markers print identically (lockfiles
 * depend on this) and the text parses back to the same node.
 *
 * Pitfalls: full-version ranges whose bounds fall on X.Y.dev0 cuts are exactly python_version
 * ranges and print as such (`python_version >= '3.8'`); others print with python_full_version.
 * TRUE prints as "" and FALSE as `python_version < '0'` (no Python satisfies it).
 */

import { quote } from "./marker-lower";
import { FALSE_NODE, TRUE_NODE } from "./marker-node";
import type { Cut, MarkerNode } from "./marker-node";

export const FALSE_TEXT = "python_version < '0'";

type Term = string[];

/** `[X, Y]` when the cut is the start of python_version X.Y (just below X.Y.dev0). */
function minorOf(cut: Cut): [number, number] | undefined {
  if (cut.after || cut.version.epoch) return undefined;
  const m = /^(\d+)(?:\.(\d+))?(?:\.0)*\.dev0$/.exec(cut.version.toString());
  if (m === null) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0)];
}

function intervalAtoms(name: string, lo: Cut | undefined, hi: Cut | undefined): Term {
  const isFull = name === "python_full_version";
  const loMinor = lo && isFull ? minorOf(lo) : undefined;
  const hiMinor = hi && isFull ? minorOf(hi) : undefined;
  if (loMinor && hiMinor && hiMinor[0] === loMinor[0] && hiMinor[1] === loMinor[1] + 1) {
    return [`python_version == '${loMinor[0]}.${loMinor[1]}'`];
  }
  if (lo && hi && lo.version === hi.version && !lo.after && hi.after) {
    return [`${name} == ${quote(lo.version.toString())}`];
  }
  const atoms: Term = [];
  if (lo) {
    atoms.push(
      loMinor
        ? `python_version >= '${loMinor[0]}.${loMinor[1]}'`
        : `${name} ${lo.after ? ">" : ">="} ${quote(lo.version.toString())}`,
    );
  }
  if (hi) {
    atoms.push(
      hiMinor
        ? `python_version < '${hiMinor[0]}.${hiMinor[1]}'`
        : `${name} ${hi.after ? "<=" : "<"} ${quote(hi.version.toString())}`,
    );
  }
  return atoms;
}

/** The alternatives (each a conjunction) for "the version lies in a segment whose child is c". */
function versionAlternatives(node: MarkerNode, child: MarkerNode): Term[] {
  const name = node.variable!.key;
  const cuts = node.cuts;
  const n = node.children.length;
  const selected: number[] = [];
  for (let i = 0; i < n; i++) if (node.children[i] === child) selected.push(i);
  // Everything but one bounded segment: print as `!=` when that segment is a single atom.
  if (selected.length === n - 1) {
    const gap = node.children.findIndex((c) => c !== child);
    if (gap > 0 && gap < n - 1) {
      const atoms = intervalAtoms(name, cuts[gap - 1], cuts[gap]);
      if (atoms.length === 1 && atoms[0]!.includes(" == ")) return [[atoms[0]!.replace(" == ", " != ")]];
    }
  }
  return selected.map((i) => intervalAtoms(name, cuts[i - 1], cuts[i]));
}

function terms(node: MarkerNode, cache: Map<MarkerNode, Term[]>): Term[] {
  if (node === TRUE_NODE) return [[]];
  if (node === FALSE_NODE) return [];
  const hit = cache.get(node);
  if (hit !== undefined) return hit;
  const v = node.variable!;
  const out: Term[] = [];
  const extend = (alternatives: Term[], child: MarkerNode) => {
    const rest = terms(child, cache);
    for (const alt of alternatives) for (const r of rest) out.push([...alt, ...r]);
  };
  switch (v.kind) {
    case "version": {
      const seen = new Set<MarkerNode>();
      for (const child of node.children) {
        if (child === FALSE_NODE || seen.has(child)) continue;
        seen.add(child);
        extend(versionAlternatives(node, child), child);
      }
      break;
    }
    case "string":
      node.values.forEach((value, i) => extend([[`${v.key} == ${quote(value)}`]], node.children[i]!));
      extend([node.values.map((value) => `${v.key} != ${quote(value)}`)], node.other!);
      break;
    case "bool":
      extend([[v.texts![0]]], node.children[1]!);
      extend([[v.texts![1]]], node.children[0]!);
      break;
  }
  cache.set(node, out);
  return out;
}

/**
 * Removes atoms and terms that do not change the meaning; `toNode` lowers one atom's text.
 * Greedy and deterministic: atoms are tried left to right, terms first to last.
 */
function irredundant(
  node: MarkerNode,
  dnf: Term[],
  toNode: (atom: string) => MarkerNode,
  and: (a: MarkerNode, b: MarkerNode) => MarkerNode,
  or: (a: MarkerNode, b: MarkerNode) => MarkerNode,
): Term[] {
  const termNode = (t: Term) => t.reduce((acc, a) => and(acc, toNode(a)), TRUE_NODE);
  const union = (ts: Term[]) => ts.reduce((acc, t) => or(acc, termNode(t)), FALSE_NODE);
  const result = dnf.map((t) => [...t]);
  for (let ti = 0; ti < result.length; ti++) {
    const others = union(result.filter((_, k) => k !== ti));
    if (others === node) {
      result.splice(ti--, 1);
      continue;
    }
    const term = result[ti]!;
    for (let ai = 0; ai < term.length; ai++) {
      const without = term.filter((_, k) => k !== ai);
      if (or(others, termNode(without)) === node) term.splice(ai--, 1);
    }
  }
  return result;
}

export function printMarker(
  node: MarkerNode,
  toNode: (atom: string) => MarkerNode,
  and: (a: MarkerNode, b: MarkerNode) => MarkerNode,
  or: (a: MarkerNode, b: MarkerNode) => MarkerNode,
): string {
  if (node === TRUE_NODE) return "";
  if (node === FALSE_NODE) return FALSE_TEXT;
  let dnf = terms(node, new Map());
  const size = dnf.reduce((n, t) => n + t.length, 0);
  if (size <= 64) dnf = irredundant(node, dnf, toNode, and, or);
  return dnf.map((t) => t.join(" and ")).join(" or ");
}
