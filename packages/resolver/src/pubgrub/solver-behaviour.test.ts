import { describe, expect, test } from "vitest";
import type { DerivationTree } from "./derivation-tree";
import { NoSolutionError } from "./no-solution-error";
import { OfflineProvider } from "./offline-provider";
import { DefaultReportFormatter } from "./report-formatter";
import { Solver, resolve } from "./solver";
import type { Ranges } from "../../testing/semver-ranges";
import { parseRange, rangesOps } from "../../testing/semver-ranges";

const ops = rangesOps(true);
const r = (s: string) => parseRange(s, true);

function provider() {
  return new OfflineProvider<number, Ranges>(ops, { compare: (a, b) => a - b });
}

async function failure(p: OfflineProvider<number, Ranges>): Promise<NoSolutionError<string, Ranges>> {
  const e = await resolve(p, "root", 1).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(NoSolutionError);
  return e as NoSolutionError<string, Ranges>;
}

describe("solver behaviour", () => {
  test("picks the highest versions that work, root included", async () => {
    const p = provider()
      .add("root", 1, [["a", r("any")]])
      .add("a", 1, [])
      .add("a", 2, [["b", r(">=2")]])
      .add("b", 1, []);
    expect([...(await resolve(p, "root", 1))]).toEqual([
      ["root", 1],
      ["a", 1],
    ]);
  });

  test("an unavailable version is skipped, and explained when it was the only one", async () => {
    const p = provider()
      .add("root", 1, [["a", r("any")]])
      .add("a", 1, [])
      .addUnavailable("a", 2, "its metadata is invalid");
    expect(Object.fromEntries(await resolve(p, "root", 1))).toEqual({ root: 1, a: 1 });
    const q = provider()
      .add("root", 1, [["a", r(">=2")]])
      .addUnavailable("a", 2, "its metadata is invalid");
    expect((await failure(q)).message).toMatchInlineSnapshot(`
      "Because no versions of a match >=3 and a 2 is unavailable because its metadata is invalid, a >=2 is forbidden.
      So, because root depends on a >=2, version solving failed."
    `);
  });

  test("a package asking for another version of itself cannot be selected", async () => {
    const p = provider()
      .add("root", 1, [["a", r("any")]])
      .add("a", 1, [["a", r("1")]])
      .add("a", 2, [["a", r("1")]]);
    expect(Object.fromEntries(await resolve(p, "root", 1))).toEqual({ root: 1, a: 1 });
  });

  test("dependencies with the same target range are merged across versions", async () => {
    const p = provider().add("root", 1, [["a", r("any")]]);
    for (let v = 1; v <= 5; v++) p.add("a", v, [["b", r(">=10")]]);
    p.add("b", 1, []);
    const e = await failure(p);
    expect(e.message).toMatchInlineSnapshot(
      `
      "Because a depends on b >=10 and no versions of b match >=10, a is forbidden.
      So, because root depends on a, version solving failed."
    `,
    );
    // Without merging, each version of a is ruled out on its own.
    const unmerged = await new Solver(p, "root", 1, { mergeDependencies: false }).solve().then(
      () => undefined,
      (err: unknown) => err as NoSolutionError<string, Ranges>,
    );
    expect(countNodes(unmerged!.tree)).toBeGreaterThan(countNodes(e.tree));
  });

  test("a formatter given to the solver phrases the report; hints are kept apart", async () => {
    class ProjectFormatter extends DefaultReportFormatter<string, number, Ranges> {
      override package(p: string): string {
        return p === "root" ? "the project" : `\`${p}\``;
      }
    }
    const p = provider()
      .add("root", 1, [["a", r(">=2")]])
      .add("a", 1, []);
    const formatter = new ProjectFormatter({ versionSets: ops, isRoot: (x) => x === "root" });
    const e = await new Solver(p, "root", 1, { formatter }).solve().then(
      () => undefined,
      (err: unknown) => err as NoSolutionError<string, Ranges>,
    );
    expect(e!.message).toMatchInlineSnapshot(
      `"Because no versions of \`a\` match >=2 and the project depends on \`a\` >=2, version solving failed."`,
    );
    expect(e!.report(formatter, ["a 1 is the only version"])).toMatchInlineSnapshot(`
      "Because no versions of \`a\` match >=2 and the project depends on \`a\` >=2, version solving failed.

      hint: a 1 is the only version"
    `);
  });

  test("stats and events count decisions and conflicts", async () => {
    const p = provider()
      .add("root", 1, [
        ["a", r("any")],
        ["b", r("any")],
      ])
      .add("a", 1, [])
      .add("a", 2, [["b", r("1")]])
      .add("b", 1, [["a", r("1")]])
      .add("b", 2, []);
    p.recordEvents = true;
    const solver = new Solver(p, "root", 1);
    const solution = await solver.solve();
    // a 2 is tried first (a and b tie on priority, a was seen first), needs b 1, which needs a 1.
    expect(Object.fromEntries(solution)).toEqual({ root: 1, a: 1, b: 2 });
    expect(solver.stats.decisions).toBe(p.events.filter((e) => e.kind === "decision").length);
    expect(solver.stats.decisions).toBeGreaterThanOrEqual(3);
    expect(solver.stats.conflicts).toBeGreaterThanOrEqual(1);
    expect(solver.stats.conflicts).toBe(p.events.filter((e) => e.kind === "conflict").length);
    expect(solver.stats.backtracks).toBe(p.events.filter((e) => e.kind === "backtrack").length);
    expect(solver.stats.packages).toBe(3);
  });

  test("cancellation and providers that break the contract are errors", async () => {
    const p = provider()
      .add("root", 1, [["a", r("any")]])
      .add("a", 1, []);
    const cancelled = Object.assign(Object.create(p) as OfflineProvider<number, Ranges>, {
      shouldCancel: () => true,
    });
    await expect(resolve(cancelled, "root", 1)).rejects.toMatchObject({ code: "resolver-cancelled" });
    const liar = Object.assign(Object.create(p) as OfflineProvider<number, Ranges>, {
      chooseVersion: () => 7,
    });
    await expect(resolve(liar, "root", 1)).rejects.toMatchObject({ code: "resolver-provider-version" });
    const solver = new Solver(p, "root", 1);
    await solver.solve();
    await expect(solver.solve()).rejects.toMatchObject({ code: "resolver-reused" });
  });

  test("a root that cannot be built is a one-line report", async () => {
    const p = provider().addUnavailable("root", 1, "its pyproject.toml is invalid");
    expect((await failure(p)).message).toMatchInlineSnapshot(
      `"Because root is unavailable because its pyproject.toml is invalid, version solving failed."`,
    );
  });
});

function countNodes(tree: DerivationTree<string, Ranges>): number {
  const seen = new Set<DerivationTree<string, Ranges>>();
  const stack = [tree];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.kind === "derived") stack.push(n.cause1, n.cause2);
  }
  return seen.size;
}
