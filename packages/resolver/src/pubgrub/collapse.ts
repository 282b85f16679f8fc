/**
 * Simplifies a derivation tree for reading, as pubgrub-rs's reporter does: a derivation whose one
 * cause is "there are no versions of foo in X" says nothing a reader needs — the other cause is
 * vacuously true of versions that do not exist — so the derivation is replaced by its other cause,
 * restated with the derivation's own (wider) ranges when that cause is an external fact:
 *
 *     Because no versions of foo match >1.0 <2 and foo 1.0 depends on bar 2,
 *     foo ^1.0 requires bar 2.                         →    foo ^1.0 depends on bar 2
 *
 * When the other cause is itself derived it replaces the derivation as is (pubgrub-rs does the
 * same). Afterwards, which nodes are shared is counted again, so line numbers stay right.
 * Everything is iterative: failure trees can be thousands of levels deep.
 */

import type { DerivationTree, DerivedNode, External } from "./derivation-tree";

/** Post-order rebuild of a DAG, each node once; `f` gets the node and its rebuilt causes. */
function rebuild<P, VS>(
  tree: DerivationTree<P, VS>,
  f: (
    node: DerivedNode<P, VS>,
    c1: DerivationTree<P, VS>,
    c2: DerivationTree<P, VS>,
  ) => DerivationTree<P, VS>,
): DerivationTree<P, VS> {
  const done = new Map<DerivationTree<P, VS>, DerivationTree<P, VS>>();
  const stack: DerivationTree<P, VS>[] = [tree];
  while (stack.length > 0) {
    const node = stack[stack.length - 1]!;
    if (done.has(node)) {
      stack.pop();
      continue;
    }
    if (node.kind === "external") {
      done.set(node, node);
      stack.pop();
      continue;
    }
    const c1 = done.get(node.cause1);
    const c2 = done.get(node.cause2);
    if (c1 === undefined || c2 === undefined) {
      if (c1 === undefined) stack.push(node.cause1);
      if (c2 === undefined) stack.push(node.cause2);
      continue;
    }
    stack.pop();
    done.set(node, f(node, c1, c2));
  }
  return done.get(tree)!;
}

export function collapseNoVersions<P, VS>(
  tree: DerivationTree<P, VS>,
  samePackage: (a: P, b: P) => boolean,
): DerivationTree<P, VS> {
  const collapsed = rebuild(tree, (node, c1, c2) => {
    const noVersions = (t: DerivationTree<P, VS>) => t.kind === "external" && t.cause.kind === "noVersions";
    const other = noVersions(c1) ? c2 : noVersions(c2) ? c1 : undefined;
    if (other !== undefined) {
      const missing = (other === c1 ? c2 : c1) as Extract<DerivationTree<P, VS>, { kind: "external" }>;
      const missingPackage = missing.cause.kind === "noVersions" ? missing.cause.package : undefined;
      // A derived cause that still requires the package with no versions ("a requires b or c", and
      // c has none) would lose the reason c is impossible: keep the derivation then (pubgrub-rs
      // drops it). When that package is the subject ("a 1.0 is forbidden"), dropping is safe.
      const namesIt = other.terms.some(
        (t) => !t.term.positive && missingPackage !== undefined && samePackage(t.package, missingPackage),
      );
      if (other.kind === "derived") {
        if (!namesIt) return other;
      } else {
        const restated = restate(node, other.cause, samePackage);
        if (restated !== undefined)
          return { kind: "external", id: node.id, terms: node.terms, cause: restated };
      }
    }
    return c1 === node.cause1 && c2 === node.cause2 ? node : { ...node, cause1: c1, cause2: c2 };
  });
  // Count parents again: replacing a node by its cause can make that cause shared (or not).
  const parents = new Map<DerivationTree<P, VS>, number>();
  const seen = new Set<DerivationTree<P, VS>>();
  const stack = [collapsed];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node) || node.kind === "external") continue;
    seen.add(node);
    for (const c of [node.cause1, node.cause2]) {
      parents.set(c, (parents.get(c) ?? 0) + 1);
      stack.push(c);
    }
  }
  return rebuild(collapsed, (node, c1, c2) => {
    const sharedId = (parents.get(node) ?? 0) > 1 ? node.id : undefined;
    if (sharedId === node.sharedId && c1 === node.cause1 && c2 === node.cause2) return node;
    return { ...node, sharedId, cause1: c1, cause2: c2 };
  });
}

/** The external fact `other`, widened to what `node` states, when its terms allow it. */
function restate<P, VS>(
  node: DerivedNode<P, VS>,
  other: External<P, VS>,
  same: (a: P, b: P) => boolean,
): External<P, VS> | undefined {
  const { terms } = node;
  if (other.kind === "noVersions" && terms.length === 1 && terms[0]!.term.positive) {
    if (!same(terms[0]!.package, other.package)) return undefined;
    return { kind: "noVersions", package: other.package, set: terms[0]!.term.set };
  }
  if (other.kind === "fromDependencyOf" && terms.length === 2) {
    const pos = terms.find((t) => t.term.positive);
    const neg = terms.find((t) => !t.term.positive);
    if (pos === undefined || neg === undefined) return undefined;
    if (!same(pos.package, other.package) || !same(neg.package, other.dependency)) return undefined;
    return { ...other, set: pos.term.set, dependencySet: neg.term.set };
  }
  return undefined;
}
