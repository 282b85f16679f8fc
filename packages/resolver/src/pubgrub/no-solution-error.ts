/**
 * The error a failed solve throws. It carries the derivation tree, so callers can re-phrase the
 * report with their own formatter or add hints; its message is the report in the formatter given
 * to the solver (the default one otherwise), and `hint` holds the hints, one per line.
 */

import { LockstepError } from "@lockstep/errors";
import { collapseNoVersions } from "./collapse";
import type { DerivationTree } from "./derivation-tree";
import type { DependencyProvider } from "./provider";
import { formatReport } from "./report";
import type { ReportFormatter } from "./report-formatter";
import { DefaultReportFormatter } from "./report-formatter";

export class NoSolutionError<P, VS> extends LockstepError {
  /** The tree as the report shows it, with "no versions" steps folded away (see collapse.ts). */
  readonly simplified: DerivationTree<P, VS>;

  constructor(
    readonly tree: DerivationTree<P, VS>,
    readonly root: P,
    provider: Pick<DependencyProvider<P, unknown, VS>, "packageKey"> & {
      versionSets: DependencyProvider<P, unknown, VS>["versionSets"];
    },
    formatter?: ReportFormatter<P, VS>,
    readonly hints: readonly string[] = [],
  ) {
    const rootKey = provider.packageKey(root);
    const f =
      formatter ??
      new DefaultReportFormatter<P, unknown, VS>({
        versionSets: provider.versionSets,
        packageName: (p) => (typeof p === "string" ? p : provider.packageKey(p)),
        isRoot: (p) => provider.packageKey(p) === rootKey,
      });
    const same = (a: P, b: P) => provider.packageKey(a) === provider.packageKey(b);
    const simplified = collapseNoVersions(tree, same);
    super("no-solution", formatReport(simplified, f), {
      hint: hints.length === 0 ? undefined : hints.join("\n"),
    });
    this.simplified = simplified;
  }

  /** The report phrased by `formatter`, with `hints` after it. */
  report(formatter: ReportFormatter<P, VS>, hints: readonly string[] = this.hints): string {
    return formatReport(this.simplified, formatter, hints);
  }
}
