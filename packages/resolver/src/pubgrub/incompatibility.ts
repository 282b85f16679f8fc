/**
 * An incompatibility: a set of terms that must not all be true at once. `{foo 1, not bar >=2}`
 * reads "foo 1 depends on bar >=2"; `{}` reads "nothing works" and ends the solve.
 *
 * Internally packages are small integers (interned by the solver from the provider's keys) and the
 * terms live in two parallel arrays, so propagation walks arrays instead of maps. Why an
 * incompatibility exists is plain data (`cause`): the report is built from it later, and nothing in
 * the solver formats a string while it runs.
 */

import type { Term } from "./term";

/** Why an incompatibility holds. Package and version-set data live in the terms. */
export type IncompatibilityCause =
  /** `{not root@v}`: the root must be selected. */
  | { readonly kind: "root" }
  /** `{p ∈ S}`: the provider has no version of `p` in `S`. */
  | { readonly kind: "noVersions" }
  /** `{p ∈ S}`: versions of `p` in `S` cannot be used (metadata missing, no compatible file…). */
  | { readonly kind: "unavailable"; readonly reason: string }
  /** `{p ∈ S, not dep ∈ D}`: every version of `p` in `S` depends on `dep` in `D`. */
  | { readonly kind: "fromDependencyOf" }
  /** Learned by resolving two incompatibilities (their ids) on one package. */
  | { readonly kind: "derived"; readonly cause1: number; readonly cause2: number }
  /** Any other fact the solver or provider states, with its own wording. */
  | { readonly kind: "custom"; readonly reason: string };

export class Incompatibility<VS> {
  constructor(
    /** Index in the solver's store; derived incompatibilities always have larger ids than causes. */
    readonly id: number,
    /** Interned package ids, one per term, no duplicates. */
    readonly packages: readonly number[],
    readonly terms: readonly Term<VS>[],
    readonly cause: IncompatibilityCause,
  ) {}

  /** The term for `pkg`, or `undefined` when the incompatibility says nothing about it. */
  termFor(pkg: number): Term<VS> | undefined {
    const i = this.packages.indexOf(pkg);
    return i < 0 ? undefined : this.terms[i];
  }

  /**
   * The solve has failed when nothing can hold: no terms, or only "the root is selected at its
   * version" (which the root incompatibility forbids negating).
   */
  isTerminal(rootPkg: number, rootContains: (set: VS) => boolean): boolean {
    if (this.packages.length === 0) return true;
    if (this.packages.length > 1) return false;
    const t = this.terms[0]!;
    return this.packages[0] === rootPkg && t.positive && rootContains(t.set);
  }
}
