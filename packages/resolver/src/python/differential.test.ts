/**
 * Differential test: lockstep against pip (resolvelib) on seeded random universes, for the one
 * environment pip can speak for (the python3 on PATH: CPython 3.11.7, Linux x86_64).
 *
 * Each universe is built into a real index and served on 127.0.0.1; lockstep resolves it in
 * specific mode, pip resolves it with `install --dry-run --ignore-installed --report`. Rules:
 * - every answer, ours and pip's, goes through the independent validator (testing/validator.ts);
 *   ours must pass; an invalid pip answer is a pip bug, reported on stdout, not a failure;
 * - where pip finds a valid solution, lockstep must find one too;
 * - where lockstep finds none, pip must not find a valid one.
 * lockstep runs in a worker thread with a time limit (a resolve stuck in a loop would otherwise
 * block this file's timers); a crash or timeout fails the case with the error.
 * Valid but different answers are counted and printed, not failed: both tools prefer the newest
 * versions, but backtracking order differs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TagPriority, markerEnvironmentFor } from "@lockstep/wheel";
import { afterAll, describe, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import { PIP_TARGET } from "../../testing/lockstep-runner";
import { resolveInWorker } from "../../testing/lockstep-worker";
import { pipResolve } from "../../testing/pip-runner";
import { generateUniverse } from "../../testing/random-universe";
import type { Flavour } from "../../testing/random-universe";
import { validateInstallSet } from "../../testing/validator";

const SEEDS: Array<[number, Flavour]> = [
  ...Array.from({ length: 16 }, (_, i): [number, Flavour] => [1000 + i, "satisfiable"]),
  ...Array.from({ length: 14 }, (_, i): [number, Flavour] => [2000 + i, "conflicting"]),
];

const env = markerEnvironmentFor(PIP_TARGET);
const tags = TagPriority.forTarget(PIP_TARGET);
const wheelCompatible = (t: string) => tags.isCompatible(`x-1.0-${t}.whl`);
/** A resolve runs in a worker so that one that never returns fails this test instead of hanging it. */
const LOCKSTEP_TIMEOUT_MS = 20_000;
const work = mkdtempSync(join(tmpdir(), "lockstep-differential-"));

interface Tally {
  bothSolved: number;
  same: number;
  different: string[];
  bothFailed: number;
  pipBugs: string[];
  pipErrors: string[];
  /** Valid lockstep answers where pip found none (pip's resolver gave up or backjumped wrongly). */
  onlyLockstep: string[];
}
const tally: Tally = {
  bothSolved: 0,
  same: 0,
  different: [],
  bothFailed: 0,
  pipBugs: [],
  pipErrors: [],
  onlyLockstep: [],
};

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  const lines = [
    `differential: ${SEEDS.length} universes; both solved ${tally.bothSolved} (same ${tally.same}, different ${tally.different.length}); both unsatisfiable ${tally.bothFailed}`,
    ...tally.different.map((d) => `  different: ${d}`),
    ...tally.pipBugs.map((d) => `  pip answer invalid: ${d}`),
    ...tally.pipErrors.map((d) => `  pip error: ${d}`),
    ...tally.onlyLockstep.map((d) => `  only lockstep solved (answer validated): ${d}`),
  ];
  console.log(lines.join("\n"));
  // The generator must exercise both outcomes, or the rules above prove little.
  expect(tally.bothSolved).toBeGreaterThanOrEqual(8);
  expect(tally.bothFailed).toBeGreaterThanOrEqual(4);
});

describe("lockstep and pip agree on random universes (CPython 3.11, linux x86_64)", () => {
  test.concurrent.each(SEEDS)("seed %i (%s)", async (seed, flavour) => {
    const { universe, root } = generateUniverse(seed, {
      flavour,
      // A deliberate difference (docs/conformance.md): like uv, lockstep ignores Requires-Python
      // upper bounds (packse requires_python/python-less-than-current); pip honours them.
      upperRequiresPython: false,
    });
    const server = await serveUniverse(universe);
    try {
      const [ours, pip] = await Promise.all([
        resolveInWorker(
          { url: server.url, cacheDir: join(work, `cache-${seed}`), root },
          LOCKSTEP_TIMEOUT_MS,
        ),
        pipResolve(server.url, root),
      ]);
      const label = `seed ${seed} (${flavour}) root ${JSON.stringify(root)}`;

      let pipValid = false;
      if (pip.kind === "solved") {
        const chosen = [...pip.chosen].map(([name, version]) => ({ name, version }));
        const problems = validateInstallSet(universe, root, chosen, env, { wheelCompatible });
        pipValid = problems.length === 0;
        if (!pipValid) tally.pipBugs.push(`${label}: ${problems.join("; ")}`);
      } else if (pip.kind === "error") {
        // Anything but "no solution" (e.g. resolvelib's ResolutionTooDeep) counts as pip not solving.
        tally.pipErrors.push(
          `${label}: exit ${pip.code}: ${pip.stderr.trim().split("\n").slice(-3).join(" | ")}`,
        );
      }

      expect(["solved", "no-solution"], `${label}: lockstep ${ours.kind}: ${ours.message}`).toContain(
        ours.kind,
      );
      if (ours.kind === "solved") {
        expect(validateInstallSet(universe, root, ours.chosen, env, { wheelCompatible }), label).toEqual([]);
        if (pipValid) {
          tally.bothSolved++;
          const a = ours.chosen.map((c) => `${c.name}==${c.version}`).sort();
          const b = [...pip.chosen].map(([n, v]) => `${n}==${v}`).sort();
          if (a.join(" ") === b.join(" ")) tally.same++;
          else
            tally.different.push(
              `${label}: lockstep-only ${a.filter((x) => !b.includes(x)).join(" ")}; pip-only ${b.filter((x) => !a.includes(x)).join(" ")}`,
            );
        } else if (pip.kind !== "solved") {
          tally.onlyLockstep.push(`${label}: pip: ${pip.stderr.trim().split("\n").slice(-2).join(" | ")}`);
        }
      } else {
        expect(ours.message, label).toMatch(/^No solution found when resolving dependencies/);
        expect(pipValid, `${label}: pip found a valid solution but lockstep reported:\n${ours.message}`).toBe(
          false,
        );
        if (pip.kind === "no-solution") tally.bothFailed++;
      }
    } finally {
      await server.close();
    }
  });
});
