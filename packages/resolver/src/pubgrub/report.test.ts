import { describe, expect, test } from "vitest";
import { collapseNoVersions } from "./collapse";
import type { DerivationTree, DerivedNode, External, ExternalNode, TermEntry } from "./derivation-tree";
import { formatReport } from "./report";
import { DefaultReportFormatter } from "./report-formatter";
import { negative, positive } from "./term";
import type { Ranges } from "../../testing/semver-ranges";
import { parseRange, rangesOps } from "../../testing/semver-ranges";

// Trees written by hand, to reach every sentence shape of the report writer.
const ops = rangesOps(true);
const r = (s: string) => parseRange(s, true);
let ids = 0;
type Tree = DerivationTree<string, Ranges>;

function ext(
  terms: TermEntry<string, Ranges>[],
  cause: External<string, Ranges>,
): ExternalNode<string, Ranges> {
  return { kind: "external", id: ids++, terms, cause };
}
const dep = (p: string, ps: string, d: string, ds: string) =>
  ext(
    [
      { package: p, term: positive(r(ps)) },
      { package: d, term: negative(r(ds)) },
    ],
    {
      kind: "fromDependencyOf",
      package: p,
      set: r(ps),
      dependency: d,
      dependencySet: r(ds),
    },
  );
const none = (p: string, s: string) =>
  ext([{ package: p, term: positive(r(s)) }], { kind: "noVersions", package: p, set: r(s) });
const unavailable = (p: string, s: string, reason: string) =>
  ext([{ package: p, term: positive(r(s)) }], { kind: "unavailable", package: p, set: r(s), reason });
/** Terms as "a >=1" (positive) or "!b <2" (negative). */
function derive(terms: string[], cause1: Tree, cause2: Tree, shared = false): DerivedNode<string, Ranges> {
  const entries = terms.map((t) => {
    const [name, ...rest] = t.split(" ");
    const neg = name!.startsWith("!");
    const set = r(rest.join(" ") || "any");
    return { package: neg ? name!.slice(1) : name!, term: neg ? negative(set) : positive(set) };
  });
  const id = ids++;
  return { kind: "derived", id, terms: entries, sharedId: shared ? id : undefined, cause1, cause2 };
}

const formatter = new DefaultReportFormatter<string, number, Ranges>({
  versionSets: ops,
  isRoot: (p) => p === "root",
});

describe("report shapes", () => {
  test("two external causes: one sentence", () => {
    const tree = derive([], dep("root", "1", "foo", ">=2"), none("foo", ">=2"));
    expect(formatReport(tree, formatter)).toMatchInlineSnapshot(
      `"Because root depends on foo >=2 and no versions of foo match >=2, version solving failed."`,
    );
  });

  test("an external fact alone", () => {
    const tree = unavailable("root", "1", "its pyproject.toml is invalid");
    expect(formatReport(tree, formatter, ["check the file", "or run with -v"])).toMatchInlineSnapshot(`
      "Because root is unavailable because its pyproject.toml is invalid, version solving failed.

      hint: check the file
      hint: or run with -v"
    `);
  });

  test("shared derivations are numbered once and referenced, both at once when both are known", () => {
    // x and y are each used twice: first inside the left paragraph, then together on the right.
    const x = derive(["a 1", "!c 2"], dep("a", "1", "b", "1"), dep("b", "1", "c", "2"), true);
    const y = derive(["a 1", "!d 2"], dep("a", "1", "e", "1"), dep("e", "1", "d", "2"), true);
    const left = derive(["a 1", "!c 2", "!d 2"], x, y);
    const left2 = derive(["a 1"], left, dep("a", "1", "c", "3"));
    const right = derive(["a 1", "!c 2", "!d 2"], x, y);
    const right2 = derive(["a 1"], right, dep("a", "1", "d", "3"));
    const both = derive(["a 1"], left2, right2);
    const tree = derive([], both, dep("root", "1", "a", "1"));
    expect(formatReport(tree, formatter)).toMatchInlineSnapshot(`
      "(1) Because a 1 depends on b 1 which depends on c 2, a 1 requires c 2.
      (2) Because a 1 depends on e 1 which depends on d 2, a 1 requires d 2.
          Thus, a 1 requires c 2 or d 2.
      (3) So, because a 1 depends on c 3, a 1 is forbidden.

          Because a 1 requires c 2 (1) and a 1 requires d 2 (2), a 1 requires c 2 or d 2.
          And because a 1 depends on d 3, a 1 is forbidden.
          And because a 1 is forbidden (3), a 1 is forbidden.
          So, because root depends on a 1, version solving failed."
    `);
  });

  test("a derivation used once folds into the next sentence", () => {
    const inner = derive(["foo", "!baz 3"], dep("foo", "any", "bar", "2"), dep("bar", "2", "baz", "3"));
    const middle = derive(["foo"], inner, dep("foo", "any", "baz", "<3"));
    const tree = derive([], middle, dep("root", "1", "foo", "any"));
    expect(formatReport(tree, formatter)).toMatchInlineSnapshot(`
      "Because foo depends on bar 2 which depends on baz 3, foo requires baz 3.
      So, because root depends on foo which depends on baz <3, version solving failed."
    `);
  });

  test("no-versions steps are folded away and shared ids recounted", () => {
    const d = dep("foo", "1", "bar", "2");
    const widened = derive(["foo >=1 <3", "!bar 2"], none("foo", "2"), d);
    const tree = derive([], widened, dep("root", "1", "foo", ">=1 <3"));
    expect(formatReport(tree, formatter)).toMatchInlineSnapshot(`
      "Because no versions of foo match 2 and foo 1 depends on bar 2, foo >=1 <3 requires bar 2.
      So, because root depends on foo >=1 <3, version solving failed."
    `);
    expect(
      formatReport(
        collapseNoVersions(tree, (a, b) => a === b),
        formatter,
      ),
    ).toMatchInlineSnapshot(
      `"Because root depends on foo >=1 <3 which depends on bar 2, version solving failed."`,
    );
  });
});
