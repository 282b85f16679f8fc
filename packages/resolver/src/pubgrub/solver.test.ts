import { describe, expect, test } from "vitest";
import { solveTable } from "../../testing/universe";

// The scenarios of dart pub's doc/solver.md ("Examples"), also ported by pubgrub-rs in
// tests/examples.rs. One test each; failures assert the whole report.
describe("dart pub solver.md scenarios", () => {
  test.each([false, true])("no conflicts (async: %s)", async (async) => {
    // solver.md: "No Conflicts"
    const outcome = await solveTable(
      {
        "root 1.0.0": { foo: "^1.0.0" },
        "foo 1.0.0": { bar: "^1.0.0" },
        "bar 1.0.0": {},
        "bar 2.0.0": {},
      },
      { async },
    );
    expect(outcome).toEqual({ solution: { root: "1.0.0", foo: "1.0.0", bar: "1.0.0" } });
  });

  test("avoiding conflict during decision making", async () => {
    // solver.md: "Avoiding Conflict During Decision Making"
    const outcome = await solveTable({
      "root 1.0.0": { foo: "^1.0.0", bar: "^1.0.0" },
      "foo 1.1.0": { bar: "^2.0.0" },
      "foo 1.0.0": {},
      "bar 1.0.0": {},
      "bar 1.1.0": {},
      "bar 2.0.0": {},
    });
    expect(outcome).toEqual({ solution: { root: "1.0.0", foo: "1.0.0", bar: "1.1.0" } });
  });

  test("performing conflict resolution", async () => {
    // solver.md: "Performing Conflict Resolution"
    const outcome = await solveTable({
      "root 1.0.0": { foo: ">=1.0.0" },
      "foo 2.0.0": { bar: "^1.0.0" },
      "foo 1.0.0": {},
      "bar 1.0.0": { foo: "^1.0.0" },
    });
    expect(outcome).toEqual({ solution: { root: "1.0.0", foo: "1.0.0" } });
  });

  test("conflict resolution with a partial satisfier", async () => {
    // solver.md: "Conflict Resolution With a Partial Satisfier"
    const outcome = await solveTable({
      "root 1.0.0": { foo: "^1.0.0", target: "^2.0.0" },
      "foo 1.1.0": { left: "^1.0.0", right: "^1.0.0" },
      "foo 1.0.0": {},
      "left 1.0.0": { shared: ">=1.0.0" },
      "right 1.0.0": { shared: "<2.0.0" },
      "shared 2.0.0": {},
      "shared 1.0.0": { target: "^1.0.0" },
      "target 2.0.0": {},
      "target 1.0.0": {},
    });
    expect(outcome).toEqual({ solution: { root: "1.0.0", foo: "1.0.0", target: "2.0.0" } });
  });

  test("linear error reporting", async () => {
    // solver.md: "Linear Error Reporting"
    const outcome = await solveTable({
      "root 1.0.0": { foo: "^1.0.0", baz: "^1.0.0" },
      "foo 1.0.0": { bar: "^2.0.0" },
      "bar 2.0.0": { baz: "^3.0.0" },
      "baz 1.0.0": {},
      "baz 3.0.0": {},
    });
    expect("report" in outcome && outcome.report).toMatchInlineSnapshot(`
      "Because foo ^1.0.0 depends on bar ^2.0.0 which depends on baz ^3.0.0, foo ^1.0.0 requires baz ^3.0.0.
      So, because root depends on both foo ^1.0.0 and baz ^1.0.0, version solving failed."
    `);
  });

  test("a requirement on a package with no versions stays in the report after collapsing", async () => {
    // Not from solver.md: v 2.0.0 needs s ^2, v 3.0.0 needs d, which has no versions. Dropping the
    // "no versions of d" step (as pubgrub-rs does) would leave "v requires s ^2 or d" unexplained.
    const outcome = await solveTable({
      "root 1.0.0": { v: ">=2.0.0", s: "<2.0.0" },
      "v 2.0.0": { s: "^2.0.0" },
      "v 3.0.0": { d: "^1.0.0" },
      "s 1.0.0": {},
      "s 2.0.0": {},
    });
    expect("report" in outcome && outcome.report).toMatchInlineSnapshot(`
      "Because v ^2.0.0 || >=3.0.1 depends on s ^2.0.0 and v 3.0.0 depends on d ^1.0.0, v >=2.0.0 requires s ^2.0.0 or d ^1.0.0.
      And because no versions of d match ^1.0.0, v >=2.0.0 requires s ^2.0.0.
      So, because root depends on both v >=2.0.0 and s <2.0.0, version solving failed."
    `);
  });

  test("branching error reporting", async () => {
    // solver.md: "Branching Error Reporting"
    const outcome = await solveTable({
      "root 1.0.0": { foo: "^1.0.0" },
      "foo 1.0.0": { a: "^1.0.0", b: "^1.0.0" },
      "foo 1.1.0": { x: "^1.0.0", y: "^1.0.0" },
      "a 1.0.0": { b: "^2.0.0" },
      "b 1.0.0": {},
      "b 2.0.0": {},
      "x 1.0.0": { y: "^2.0.0" },
      "y 1.0.0": {},
      "y 2.0.0": {},
    });
    expect("report" in outcome && outcome.report).toMatchInlineSnapshot(`
      "    Because foo 1.0.0 depends on a ^1.0.0 which depends on b ^2.0.0, foo 1.0.0 requires b ^2.0.0.
      (1) So, because foo 1.0.0 depends on b ^1.0.0, foo 1.0.0 is forbidden.

          Because foo 1.1.0 depends on x ^1.0.0 which depends on y ^2.0.0, foo 1.1.0 requires y ^2.0.0.
          And because foo 1.1.0 depends on y ^1.0.0, foo 1.1.0 is forbidden.
          And because foo 1.0.0 is forbidden (1), foo ^1.0.0 is forbidden.
          So, because root depends on foo ^1.0.0, version solving failed."
    `);
  });
});
