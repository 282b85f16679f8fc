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
import { FALSE_NODE, TRUE_NODE, versionNode } from "./marker-node";
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

/**
 * The version text of a bound, without the `+∞` / `.post∞` marker forms, with its release
 * normalized (cuts are interned by value, so the spelling must not depend on which came first):
 * python_full_version has exactly three release segments where possible, others no trailing zeros.
 */
function plain(cut: Cut, name: string): string {
  const v = cut.version;
  const text = v.toString().replace(/\+∞$|\.post∞$/, "");
  const prefix = v.epoch ? `${v.epoch}!` : "";
  const written = prefix + v.release.join(".");
  if (!text.startsWith(written)) return text;
  const release = [...v.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  if (name === "python_full_version") while (release.length < 3) release.push(0);
  return prefix + release.join(".") + text.slice(written.length);
}

/** Ways to write "above lo and below hi", best first; the first that lowers exactly is used. */
function intervalCandidates(name: string, lo: Cut | undefined, hi: Cut | undefined): Term[] {
  const isFull = name === "python_full_version";
  const loMinor = lo && isFull ? minorOf(lo) : undefined;
  const hiMinor = hi && isFull ? minorOf(hi) : undefined;
  const out: Term[] = [];
  if (loMinor && hiMinor && hiMinor[0] === loMinor[0] && hiMinor[1] === loMinor[1] + 1) {
    out.push([`python_version == '${loMinor[0]}.${loMinor[1]}'`]);
  }
  if (lo && hi) out.push([`${name} == ${quote(plain(lo, name))}`]);
  const lows: Term[] = [];
  if (loMinor) lows.push([`python_version >= '${loMinor[0]}.${loMinor[1]}'`]);
  if (lo) {
    const v = quote(plain(lo, name));
    lows.push([`${name} >= ${v}`], [`${name} > ${v}`], [`${name} >= ${v}`, `${name} != ${v}`]);
  }
  const highs: Term[] = [];
  if (hiMinor) highs.push([`python_version < '${hiMinor[0]}.${hiMinor[1]}'`]);
  if (hi) {
    const v = quote(plain(hi, name));
    highs.push([`${name} < ${v}`], [`${name} <= ${v}`], [`${name} <= ${v}`, `${name} != ${v}`]);
    const dev0 = /^(.*)\.dev0$/.exec(plain(hi, name));
    if (dev0 && !hi.after) highs.push([`${name} < ${quote(dev0[1]!)}`]);
  }
  for (const l of lows.length ? lows : [[]]) {
    for (const h of highs.length ? highs : [[]]) out.push([...l, ...h]);
  }
  return out;
}

/** The alternatives (each a conjunction) for "the version lies in a segment whose child is c". */
function versionAlternatives(node: MarkerNode, child: MarkerNode, ctx: PrintContext): Term[] {
  const name = node.variable!.key;
  const intervalAtoms = (lo: Cut | undefined, hi: Cut | undefined): Term => {
    const target = versionNode(
      node.variable!,
      [lo, hi].filter((c): c is Cut => c !== undefined),
      lo === undefined
        ? [TRUE_NODE, FALSE_NODE]
        : hi === undefined
          ? [FALSE_NODE, TRUE_NODE]
          : [FALSE_NODE, TRUE_NODE, FALSE_NODE],
    );
    const candidates = intervalCandidates(name, lo, hi);
    for (const c of candidates) {
      if (c.reduce((acc, a) => ctx.and(acc, ctx.toNode(a)), TRUE_NODE) === target) return c;
    }
    return candidates[0]!;
  };
  const cuts = node.cuts;
  const n = node.children.length;
  const selected: number[] = [];
  for (let i = 0; i < n; i++) if (node.children[i] === child) selected.push(i);
  // Everything but a few bounded single points/minors: print as a conjunction of `!=`.
  const gaps: number[] = [];
  for (let i = 0; i < n; i++) if (node.children[i] !== child) gaps.push(i);
  if (gaps.length > 0 && gaps.length <= 4 && gaps[0]! > 0 && gaps[gaps.length - 1]! < n - 1) {
    const negated: string[] = [];
    for (const g of gaps) {
      const atoms = intervalAtoms(cuts[g - 1], cuts[g]);
      if (atoms.length !== 1 || !atoms[0]!.includes(" == ")) break;
      negated.push(atoms[0]!.replace(" == ", " != "));
    }
    if (negated.length === gaps.length) {
      const target = versionNode(
        node.variable!,
        node.cuts,
        node.children.map((c) => (c === child ? TRUE_NODE : FALSE_NODE)),
      );
      if (negated.reduce((acc, a) => ctx.and(acc, ctx.toNode(a)), TRUE_NODE) === target) return [negated];
    }
  }
  return selected.map((i) => intervalAtoms(cuts[i - 1], cuts[i]));
}

interface PrintContext {
  toNode: (atom: string) => MarkerNode;
  and: (a: MarkerNode, b: MarkerNode) => MarkerNode;
}

function terms(node: MarkerNode, cache: Map<MarkerNode, Term[]>, ctx: PrintContext): Term[] {
  if (node === TRUE_NODE) return [[]];
  if (node === FALSE_NODE) return [];
  const hit = cache.get(node);
  if (hit !== undefined) return hit;
  const v = node.variable!;
  const out: Term[] = [];
  const extend = (alternatives: Term[], child: MarkerNode) => {
    const rest = terms(child, cache, ctx);
    for (const alt of alternatives) for (const r of rest) out.push([...alt, ...r]);
  };
  switch (v.kind) {
    case "version": {
      const seen = new Set<MarkerNode>();
      for (const child of node.children) {
        if (child === FALSE_NODE || seen.has(child)) continue;
        seen.add(child);
        extend(versionAlternatives(node, child, ctx), child);
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
  same: (candidate: MarkerNode) => boolean,
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
    if (same(others)) {
      result.splice(ti--, 1);
      continue;
    }
    const term = result[ti]!;
    for (let ai = 0; ai < term.length; ai++) {
      const without = term.filter((_, k) => k !== ai);
      if (same(or(others, termNode(without)))) term.splice(ai--, 1);
    }
  }
  return result;
}

/**
 * Prints `node`. `same` says whether a candidate diagram means the same marker (by default: is
 * the same node; with environment knowledge, agrees on every consistent environment), so that
 * atoms implied by the others are dropped too.
 */
export function printMarker(
  node: MarkerNode,
  toNode: (atom: string) => MarkerNode,
  and: (a: MarkerNode, b: MarkerNode) => MarkerNode,
  or: (a: MarkerNode, b: MarkerNode) => MarkerNode,
  same: (candidate: MarkerNode) => boolean = (candidate) => candidate === node,
): string {
  if (node === TRUE_NODE) return "";
  if (node === FALSE_NODE) return FALSE_TEXT;
  let dnf = terms(node, new Map(), { toNode, and });
  const size = dnf.reduce((n, t) => n + t.length, 0);
  if (size <= 64) dnf = irredundant(same, dnf, toNode, and, or);
  return dnf.map((t) => t.join(" and ")).join(" or ");
}
