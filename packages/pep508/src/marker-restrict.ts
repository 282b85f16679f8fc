/**
 * A small representative of a marker's class over consistent environments (marker-knowledge.ts),
 * so that `platform_system == 'Linux' and sys_platform == 'linux'` prints as one condition and
 * `os_name == 'posix' and sys_platform == 'darwin'` as `sys_platform == 'darwin'`.
 *
 * `restrict(f, care)` returns g with g ∧ care = f ∧ care (the classic BDD "restrict" operator,
 * extended to multi-valued nodes), walking top-down: outcomes the care set rules out are free and
 * take a neighbour's child, and a test whose outcomes all agree under the care set is dropped.
 * Which of two equivalent tests survives is a choice: the caller names preferred variables
 * (sys_platform, platform_python_implementation), whose tests are kept unless plainly useless.
 * Pitfalls: deterministic for a given (f, care), which is what keeps printing canonical; the
 * memo is per call, as results depend on the care set.
 */

import {
  FALSE_NODE,
  TRUE_NODE,
  and,
  compareCuts,
  compareVariables,
  not,
  or,
  stringChild,
  stringNode,
  versionNode,
  boolNode,
} from "./marker-node";
import type { Cut, MarkerNode, Variable } from "./marker-node";

interface Split {
  /** Pairs of (f's child, care's child), one per outcome of the shared top variable. */
  pairs: [MarkerNode, MarkerNode][];
  build(children: MarkerNode[]): MarkerNode;
  /** Index of the outcome that stands for "every other value" (string nodes), else undefined. */
  otherIndex?: number;
}

function outcomesOf(node: MarkerNode): MarkerNode[] {
  return node.other === undefined ? [...node.children] : [...node.children, node.other];
}

/** The outcomes of f's top variable, paired with care's (care tests the same variable, or none). */
function split(f: MarkerNode, care: MarkerNode, sameVariable: boolean): Split {
  const v = f.variable!;
  if (!sameVariable) {
    const pairs = outcomesOf(f).map((c): [MarkerNode, MarkerNode] => [c, care]);
    switch (v.kind) {
      case "version":
        return { pairs, build: (ch) => versionNode(v, f.cuts, ch) };
      case "bool":
        return { pairs, build: (ch) => boolNode(v, ch[0]!, ch[1]!) };
      case "string":
        return {
          pairs,
          build: (ch) => stringNode(v, f.values, ch.slice(0, -1), ch[ch.length - 1]!),
          otherIndex: pairs.length - 1,
        };
    }
  }
  switch (v.kind) {
    case "bool":
      return {
        pairs: [
          [f.children[0]!, care.children[0]!],
          [f.children[1]!, care.children[1]!],
        ],
        build: (ch) => boolNode(v, ch[0]!, ch[1]!),
      };
    case "string": {
      const values = [...new Set([...f.values, ...care.values])].sort();
      const pairs = values.map((value): [MarkerNode, MarkerNode] => [
        stringChild(f, value),
        stringChild(care, value),
      ]);
      pairs.push([f.other!, care.other!]);
      return {
        pairs,
        build: (ch) => stringNode(v, values, ch.slice(0, -1), ch[ch.length - 1]!),
        otherIndex: pairs.length - 1,
      };
    }
    case "version": {
      const cuts: Cut[] = [...new Set([...f.cuts, ...care.cuts])].sort(compareCuts);
      const pairs: [MarkerNode, MarkerNode][] = [];
      let i = 0;
      let j = 0;
      for (let k = 0; k <= cuts.length; k++) {
        pairs.push([f.children[i]!, care.children[j]!]);
        const cut = cuts[k];
        if (cut === undefined) break;
        if (f.cuts[i] !== undefined && compareCuts(f.cuts[i]!, cut) === 0) i++;
        if (care.cuts[j] !== undefined && compareCuts(care.cuts[j]!, cut) === 0) j++;
      }
      return { pairs, build: (ch) => versionNode(v, cuts, ch) };
    }
  }
}

/**
 * A diagram equal to `f` wherever `care` holds, usually smaller. A test of a `prefer`red variable
 * is only dropped when one of its outcomes' children serves for all, so that it is not traded for
 * a test of a lower variable that says the same.
 */
export function restrict(
  f: MarkerNode,
  care: MarkerNode,
  prefer: (v: Variable) => boolean = () => false,
): MarkerNode {
  const memo = new Map<string, MarkerNode>();
  const go = (f: MarkerNode, care: MarkerNode): MarkerNode => {
    if (care === FALSE_NODE) return FALSE_NODE;
    if (f.variable === undefined || care === TRUE_NODE) return f;
    if (f === care) return TRUE_NODE;
    const key = `${f.id},${care.id}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let result: MarkerNode;
    const order = compareVariables(f.variable, care.variable!);
    if (order > 0) {
      // f does not test care's top variable: only "some value of it" matters.
      result = go(f, outcomesOf(care).reduce(or, FALSE_NODE));
    } else {
      const s = split(f, care, order === 0);
      const reachable = s.pairs.map(([, c]) => c !== FALSE_NODE);
      const kids = s.pairs.map(([fc, cc]) => (cc === FALSE_NODE ? undefined : go(fc, cc)));
      result = dropTest(s, kids, reachable) ?? rebuild(s, kids);
      if (result.variable === f.variable && !prefer(f.variable))
        result = between(s, kids, reachable, prefer) ?? result;
    }
    memo.set(key, result);
    return result;
  };
  return go(f, care);
}

/** A child that stands for every reachable outcome under its care set, if there is one. */
function dropTest(s: Split, kids: (MarkerNode | undefined)[], reachable: boolean[]): MarkerNode | undefined {
  const present = kids.filter((k): k is MarkerNode => k !== undefined);
  if (present.length === 0) return FALSE_NODE;
  const candidates = [present.reduce(or, FALSE_NODE), present.reduce(and, TRUE_NODE), ...new Set(present)];
  for (const h of candidates) {
    const agrees = s.pairs.every(([, cc], i) => !reachable[i] || and(h, cc) === and(kids[i]!, cc));
    if (agrees) return h;
  }
  return undefined;
}

/**
 * The general case of dropping a test: any h with g_i ∧ c_i ≤ h ≤ g_i ∨ ¬c_i for every reachable
 * outcome i will do; such an h exists iff the lower bound L = ∨(g_i ∧ c_i) lies under the upper
 * bound U = ∧(g_i ∨ ¬c_i), and restricting L to the care set L ∨ ¬U picks a small one. Neither
 * bound tests this variable, so the nested restrict works on strictly fewer variables.
 */
function between(
  s: Split,
  kids: (MarkerNode | undefined)[],
  reachable: boolean[],
  prefer: (v: Variable) => boolean,
): MarkerNode | undefined {
  let lower = FALSE_NODE;
  let upper = TRUE_NODE;
  s.pairs.forEach(([, cc], i) => {
    if (!reachable[i]) return;
    lower = or(lower, and(kids[i]!, cc));
    upper = and(upper, or(kids[i]!, not(cc)));
  });
  if (and(lower, not(upper)) !== FALSE_NODE) return undefined;
  return restrict(lower, or(lower, not(upper)), prefer);
}

/** The node with free outcomes given "every other value"'s child (or the first reachable one). */
function rebuild(s: Split, kids: (MarkerNode | undefined)[]): MarkerNode {
  const otherKid = s.otherIndex === undefined ? undefined : kids[s.otherIndex];
  const fallback = otherKid ?? kids.find((k) => k !== undefined)!;
  return s.build(kids.map((k) => k ?? fallback));
}
