/**
 * How the pieces of a failure report are phrased. The report writer (report.ts) decides the shape
 * — which facts are combined in which sentence, which lines get numbers — and asks a formatter for
 * every clause, so the Python layer can say "the project depends on …" or "a==1.0 requires Python
 * >=3.13" without touching the algorithm.
 *
 * `DefaultReportFormatter` phrases things in the style of dart pub and pubgrub-rs; subclass it and
 * override a method or two (`package`, `versions`, `external`…) rather than starting over.
 */

import type { DerivationTree, External, TermEntry } from "./derivation-tree";
import type { VersionSetOps } from "./version-set";
import { isFull, isSubset } from "./version-set";

export interface ReportFormatter<P, VS> {
  /** An external fact as a clause: "foo 1.0 depends on bar >=2". */
  external(cause: External<P, VS>): string;
  /** What a derived incompatibility states: "foo >=2 is forbidden", "foo requires bar <1". */
  terms(terms: readonly TermEntry<P, VS>[]): string;
  /** What the final incompatibility states; normally "version solving failed". */
  conclusion(terms: readonly TermEntry<P, VS>[]): string;
  /** Two facts in one clause: "A and B", or shorter when they chain or share a subject. */
  and(a: DerivationTree<P, VS>, b: DerivationTree<P, VS>): string;
}

export interface DefaultReportFormatterOptions<P, V, VS> {
  versionSets: VersionSetOps<V, VS>;
  /** A package's name in prose; defaults to `String(p)`. */
  packageName?: (p: P) => string;
  /** Packages shown without their version (the root: "root depends on foo"). */
  isRoot?: (p: P) => boolean;
}

export class DefaultReportFormatter<P, V, VS> implements ReportFormatter<P, VS> {
  protected readonly ops: VersionSetOps<V, VS>;
  private readonly name: (p: P) => string;
  private readonly rootTest: (p: P) => boolean;

  constructor(options: DefaultReportFormatterOptions<P, V, VS>) {
    this.ops = options.versionSets;
    this.name = options.packageName ?? ((p) => String(p));
    this.rootTest = options.isRoot ?? (() => false);
  }

  package(p: P): string {
    return this.name(p);
  }

  isRoot(p: P): boolean {
    return this.rootTest(p);
  }

  versions(set: VS): string {
    return this.ops.format(set);
  }

  /** `foo >=1.0`, or just `foo` when every version is meant (and for the root). */
  packageSet(p: P, set: VS): string {
    if (this.isRoot(p) || isFull(this.ops, set)) return this.package(p);
    return `${this.package(p)} ${this.versions(set)}`;
  }

  term(entry: TermEntry<P, VS>): string {
    const text = this.packageSet(entry.package, entry.term.set);
    return entry.term.positive ? text : `not ${text}`;
  }

  external(cause: External<P, VS>): string {
    switch (cause.kind) {
      case "root":
        return `we are solving dependencies of ${this.packageSet(cause.package, cause.set)}`;
      case "noVersions":
        return isFull(this.ops, cause.set)
          ? `there are no versions of ${this.package(cause.package)}`
          : `no versions of ${this.package(cause.package)} match ${this.versions(cause.set)}`;
      case "unavailable":
        return `${this.packageSet(cause.package, cause.set)} is unavailable because ${cause.reason}`;
      case "fromDependencyOf":
        return `${this.packageSet(cause.package, cause.set)} depends on ${this.packageSet(cause.dependency, cause.dependencySet)}`;
      case "custom": {
        const first = cause.terms[0];
        return first === undefined
          ? cause.reason
          : `${this.packageSet(first.package, first.term.set)} ${cause.reason}`;
      }
    }
  }

  terms(terms: readonly TermEntry<P, VS>[]): string {
    const pos = terms.filter((t) => t.term.positive);
    const neg = terms.filter((t) => !t.term.positive);
    const show = (t: TermEntry<P, VS>) => this.packageSet(t.package, t.term.set);
    if (terms.length === 0) return "version solving failed";
    if (terms.length === 1)
      return pos.length === 1 ? `${show(pos[0]!)} is forbidden` : `${show(neg[0]!)} is required`;
    if (neg.length === 0) return `${list(pos.map(show))} are incompatible`;
    if (pos.length === 1) return `${show(pos[0]!)} requires ${list(neg.map(show), "or")}`;
    if (neg.length === 1 && pos.length > 1) return `${list(pos.map(show))} together require ${show(neg[0]!)}`;
    return `one of ${list(
      terms.map((t) => this.term(t)),
      "or",
    )} must be false`;
  }

  conclusion(_terms: readonly TermEntry<P, VS>[]): string {
    return "version solving failed";
  }

  explain(node: DerivationTree<P, VS>): string {
    return node.kind === "external" ? this.external(node.cause) : this.terms(node.terms);
  }

  /**
   * Joins two explanations, shortening two dependencies that share their subject
   * ("root depends on both foo 1 and bar 2") or chain ("foo depends on bar 1 which depends on baz").
   */
  and(a: DerivationTree<P, VS>, b: DerivationTree<P, VS>): string {
    const da = a.kind === "external" && a.cause.kind === "fromDependencyOf" ? a.cause : undefined;
    const db = b.kind === "external" && b.cause.kind === "fromDependencyOf" ? b.cause : undefined;
    if (da && db) {
      const key = this.name;
      if (key(da.package) === key(db.package) && this.ops.equals(da.set, db.set)) {
        return `${this.packageSet(da.package, da.set)} depends on both ${this.packageSet(da.dependency, da.dependencySet)} and ${this.packageSet(db.dependency, db.dependencySet)}`;
      }
      for (const [x, y] of [
        [da, db],
        [db, da],
      ] as const) {
        if (key(x.dependency) === key(y.package) && isSubset(this.ops, x.dependencySet, y.set)) {
          return `${this.external(x)} which depends on ${this.packageSet(y.dependency, y.dependencySet)}`;
        }
      }
    }
    return `${this.explain(a)} and ${this.explain(b)}`;
  }
}

function list(items: readonly string[], conjunction = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]!}`;
}
