/**
 * The derivation tree: why the solve failed, as data. Leaves are external facts (the root must be
 * selected, no versions exist, a version is unavailable, a dependency); inner nodes are
 * incompatibilities learned by resolving their two causes. A learned incompatibility used by more
 * than one later derivation is one shared node, marked with `sharedId`, so the report can explain
 * it once and refer back to it.
 *
 * The tree is built iteratively from the solver's store (no recursion: failures in big universes
 * are thousands of levels deep).
 */

import type { Incompatibility } from "./incompatibility";
import type { Term } from "./term";

export interface TermEntry<P, VS> {
  readonly package: P;
  readonly term: Term<VS>;
}

/** An external fact, as the provider (or the root) stated it. */
export type External<P, VS> =
  /** The root package must be selected at its version. */
  | { readonly kind: "root"; readonly package: P; readonly set: VS }
  | { readonly kind: "noVersions"; readonly package: P; readonly set: VS }
  | { readonly kind: "unavailable"; readonly package: P; readonly set: VS; readonly reason: string }
  | {
      readonly kind: "fromDependencyOf";
      readonly package: P;
      readonly set: VS;
      readonly dependency: P;
      readonly dependencySet: VS;
    }
  | { readonly kind: "custom"; readonly terms: readonly TermEntry<P, VS>[]; readonly reason: string };

export interface ExternalNode<P, VS> {
  readonly kind: "external";
  /** The incompatibility's id in the solver's store. */
  readonly id: number;
  readonly terms: readonly TermEntry<P, VS>[];
  readonly cause: External<P, VS>;
}

export interface DerivedNode<P, VS> {
  readonly kind: "derived";
  readonly id: number;
  readonly terms: readonly TermEntry<P, VS>[];
  /** Set when more than one derivation in the tree uses this one. */
  readonly sharedId: number | undefined;
  readonly cause1: DerivationTree<P, VS>;
  readonly cause2: DerivationTree<P, VS>;
}

export type DerivationTree<P, VS> = ExternalNode<P, VS> | DerivedNode<P, VS>;

/**
 * Build the tree rooted at incompatibility `rootId`. `store[id]` must hold every incompatibility
 * reachable through derived causes; `packageOf` turns interned ids back into packages.
 */
export function buildDerivationTree<P, VS>(
  store: readonly Incompatibility<VS>[],
  rootId: number,
  packageOf: (pkg: number) => P,
): DerivationTree<P, VS> {
  // Count how many derivations refer to each incompatibility, visiting each once.
  const refs = new Map<number, number>([[rootId, 0]]);
  const stack = [rootId];
  while (stack.length > 0) {
    const cause = store[stack.pop()!]!.cause;
    if (cause.kind !== "derived") continue;
    for (const c of [cause.cause1, cause.cause2]) {
      const n = refs.get(c);
      refs.set(c, (n ?? 0) + 1);
      if (n === undefined) stack.push(c);
    }
  }
  // Causes always have smaller ids than what they derive, so ascending order builds bottom-up.
  const ids = [...refs.keys()].sort((a, b) => a - b);
  const nodes = new Map<number, DerivationTree<P, VS>>();
  for (const id of ids) {
    const inc = store[id]!;
    const terms = inc.packages.map((pkg, i) => ({ package: packageOf(pkg), term: inc.terms[i]! }));
    const cause = inc.cause;
    if (cause.kind === "derived") {
      nodes.set(id, {
        kind: "derived",
        id,
        terms,
        sharedId: refs.get(id)! > 1 ? id : undefined,
        cause1: nodes.get(cause.cause1)!,
        cause2: nodes.get(cause.cause2)!,
      });
    } else {
      nodes.set(id, { kind: "external", id, terms, cause: externalOf(cause, terms) });
    }
  }
  return nodes.get(rootId)!;
}

function externalOf<P, VS>(
  cause: Exclude<Incompatibility<VS>["cause"], { kind: "derived" }>,
  terms: readonly TermEntry<P, VS>[],
): External<P, VS> {
  const first = terms[0]!;
  switch (cause.kind) {
    case "root":
      return { kind: "root", package: first.package, set: first.term.set };
    case "noVersions":
      return { kind: "noVersions", package: first.package, set: first.term.set };
    case "unavailable":
      return { kind: "unavailable", package: first.package, set: first.term.set, reason: cause.reason };
    case "fromDependencyOf": {
      const dep = terms[1]!;
      return {
        kind: "fromDependencyOf",
        package: first.package,
        set: first.term.set,
        dependency: dep.package,
        dependencySet: dep.term.set,
      };
    }
    case "custom":
      return { kind: "custom", terms, reason: cause.reason };
  }
}
