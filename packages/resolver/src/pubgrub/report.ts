/**
 * Turns a derivation tree into numbered sentences, following the shape dart pub's error reports
 * made familiar:
 *
 *     Because foo <1.1 depends on a 1 which depends on b 2, foo <1.1 requires b 2.
 * (1) So, because root depends on b 1, foo <1.1 is forbidden.
 *     …
 *     And because foo <1.1 is forbidden (1), foo is forbidden.
 *     So, because root depends on foo, version solving failed.
 *
 * Each derived incompatibility becomes one sentence "Because X and Y, Z." whose causes were
 * explained just before (then they are referred to by "And because"/"So, because" instead of
 * repeated) or far away (then they carry a line number, written on the line that derived them and
 * quoted where they are used). A derivation whose two causes are both long is split into two
 * paragraphs. A node used by several derivations is explained once, numbered, and referenced.
 */

import type { DerivationTree, DerivedNode } from "./derivation-tree";
import type { ReportFormatter } from "./report-formatter";

interface Line {
  text: string;
  number: number | undefined;
}

/** The whole report; `hints` are appended as `hint: …` lines after a blank line. */
export function formatReport<P, VS>(
  tree: DerivationTree<P, VS>,
  formatter: ReportFormatter<P, VS>,
  hints: readonly string[] = [],
): string {
  let body: string;
  if (tree.kind === "external") {
    body = `Because ${formatter.external(tree.cause)}, ${formatter.conclusion(tree.terms)}.`;
  } else {
    const writer = new ReportWriter(formatter, tree);
    writer.visit(tree, false);
    body = writer.render();
  }
  return hints.length === 0 ? body : `${body}\n\n${hints.map((h) => `hint: ${h}`).join("\n")}`;
}

class ReportWriter<P, VS> {
  private readonly lines: Line[] = [];
  private readonly numbers = new Map<DerivationTree<P, VS>, number>();

  constructor(
    private readonly f: ReportFormatter<P, VS>,
    private readonly top: DerivedNode<P, VS>,
  ) {}

  private explain(node: DerivationTree<P, VS>): string {
    return node.kind === "external" ? this.f.external(node.cause) : this.f.terms(node.terms);
  }

  private write(node: DerivationTree<P, VS>, text: string, numbered: boolean): void {
    let number: number | undefined;
    if (numbered) {
      number = this.numbers.size + 1;
      this.numbers.set(node, number);
    }
    this.lines.push({ text, number });
  }

  /** A derivation from two external facts: it fits in one sentence. */
  private isSingleLine(node: DerivationTree<P, VS>): boolean {
    return node.kind === "derived" && node.cause1.kind === "external" && node.cause2.kind === "external";
  }

  /**
   * Visit `node`, writing the sentences that explain it. `conclusion`: the node ends a paragraph
   * that a later sentence refers back to, so it is numbered and opens with "So,".
   */
  visit(node: DerivedNode<P, VS>, conclusion: boolean): void {
    const numbered = conclusion || node.sharedId !== undefined;
    const so = conclusion || node === this.top ? "So," : "And";
    const text = node === this.top ? this.f.conclusion(node.terms) : this.f.terms(node.terms);
    const { cause1, cause2 } = node;

    if (cause1.kind === "derived" && cause2.kind === "derived") {
      const n1 = this.numbers.get(cause1);
      const n2 = this.numbers.get(cause2);
      if (n1 !== undefined && n2 !== undefined) {
        this.write(
          node,
          `Because ${this.explain(cause1)} (${n1}) and ${this.explain(cause2)} (${n2}), ${text}.`,
          numbered,
        );
      } else if (n1 !== undefined || n2 !== undefined) {
        const [numberedCause, n, other] = n1 !== undefined ? [cause1, n1, cause2] : [cause2, n2!, cause1];
        this.visit(other, false);
        this.write(node, `${so} because ${this.explain(numberedCause)} (${n}), ${text}.`, numbered);
      } else if (this.isSingleLine(cause1) || this.isSingleLine(cause2)) {
        // Explain the longer one first, then the one-liner, then conclude from both.
        const [first, second] = this.isSingleLine(cause2) ? [cause1, cause2] : [cause2, cause1];
        this.visit(first, false);
        this.visit(second, false);
        this.write(node, `Thus, ${text}.`, numbered);
      } else {
        this.visit(cause1, true);
        this.lines.push({ text: "", number: undefined });
        this.visit(cause2, false);
        this.write(
          node,
          `${so} because ${this.explain(cause1)} (${this.numbers.get(cause1)!}), ${text}.`,
          numbered,
        );
      }
      return;
    }

    if (cause1.kind === "derived" || cause2.kind === "derived") {
      const [derived, external] =
        cause1.kind === "derived" ? [cause1, cause2] : [cause2 as DerivedNode<P, VS>, cause1];
      const n = this.numbers.get(derived);
      if (n !== undefined) {
        this.write(
          node,
          `Because ${this.explain(external)} and ${this.explain(derived)} (${n}), ${text}.`,
          numbered,
        );
        return;
      }
      const inner = this.collapsible(derived);
      if (inner !== undefined) {
        // "Because A and B, X. And because C, Y." reads better as one step when X is used once.
        this.visit(inner.derived, false);
        this.write(node, `${so} because ${this.f.and(inner.external, external)}, ${text}.`, numbered);
        return;
      }
      this.visit(derived, false);
      this.write(node, `${so} because ${this.explain(external)}, ${text}.`, numbered);
      return;
    }

    this.write(node, `Because ${this.f.and(cause1, cause2)}, ${text}.`, numbered);
  }

  /**
   * A derivation used once, with one derived and one external cause, whose derived cause has not
   * been written yet: its sentence can be folded into the next one.
   */
  private collapsible(
    node: DerivedNode<P, VS>,
  ): { derived: DerivedNode<P, VS>; external: DerivationTree<P, VS> } | undefined {
    if (node.sharedId !== undefined) return undefined;
    const { cause1, cause2 } = node;
    if ((cause1.kind === "derived") === (cause2.kind === "derived")) return undefined;
    const [derived, external] =
      cause1.kind === "derived" ? [cause1, cause2] : [cause2 as DerivedNode<P, VS>, cause1];
    if (this.numbers.has(derived)) return undefined;
    return { derived, external };
  }

  render(): string {
    const last = this.numbers.size;
    const width = last === 0 ? 0 : `(${last}) `.length;
    return this.lines
      .map(({ text, number }) => {
        if (text === "") return "";
        const prefix = number === undefined ? "" : `(${number})`;
        return `${prefix.padEnd(width)}${text}`;
      })
      .join("\n");
  }
}
