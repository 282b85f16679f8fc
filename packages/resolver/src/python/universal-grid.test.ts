/**
 * Universal resolutions checked environment by environment.
 *
 * A universal resolution says, per (package, version), the marker under which it is installed. For
 * every point of a grid (Linux, macOS, Windows × each CPython minor 3.8–3.13 that requires-python
 * admits, at its lowest admitted patch), the packages whose marker is true there form that
 * environment's install set, and the independent validator (testing/validator.ts) must accept it:
 * every requirement met under its markers, Requires-Python met, one version per package, nothing
 * unrequired. Where the universal lock gives a valid install set, a specific resolution for that
 * environment must find a solution too (a cross-check of the specific resolver's completeness).
 *
 * Inputs: seeded random universes with many markers (no Requires-Python upper bounds: the universal
 * lock, as uv's, checks a version's Requires-Python only at the lowest Python of a fork; no
 * Windows-only releases: a universal lock does not filter by tags), and the packse `fork/*.toml`
 * scenarios, locked with the requires-python uv used for them.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Marker } from "@lockstep/pep508";
import type { MarkerEnvironment } from "@lockstep/pep508";
import { TagPriority, markerEnvironmentFor } from "@lockstep/wheel";
import type { TargetEnv, TargetOs } from "@lockstep/wheel";
import { afterAll, describe, expect, test } from "vitest";
import { findScenarios, loadScenario, serveUniverse } from "@lockstep/fixtures";
import type { Universe } from "@lockstep/fixtures";
import type { Resolution } from "./resolve";
import { lockstepResolve, newClient, universalOptions } from "../../testing/lockstep-runner";
import { generateUniverse } from "../../testing/random-universe";
import { UniverseIndex, validateInstallSet } from "../../testing/validator";

const PACKSE = join(import.meta.dirname, "../../../../../shared/conformance/packse");
const work = mkdtempSync(join(tmpdir(), "lockstep-grid-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface GridPoint {
  label: string;
  target: TargetEnv;
  env: MarkerEnvironment;
}

const OSES: Array<[TargetOs, TargetEnv["arch"]]> = [
  ["linux", "x86_64"],
  ["macos", "arm64"],
  ["windows", "x86_64"],
];

function grid(requiresPython: string): GridPoint[] {
  const spec = SpecifierSet.parse(requiresPython);
  const points: GridPoint[] = [];
  for (let minor = 8; minor <= 13; minor++) {
    const patch = Array.from({ length: 21 }, (_, p) => p).find((p) =>
      spec.contains(Version.parse(`3.${minor}.${p}`), { prereleases: true }),
    );
    if (patch === undefined) continue;
    for (const [os, arch] of OSES) {
      const target: TargetEnv = {
        implementation: "cpython",
        pythonVersion: [3, minor],
        pythonPatch: patch,
        os,
        arch,
      };
      points.push({ label: `${os} 3.${minor}.${patch}`, target, env: markerEnvironmentFor(target) });
    }
  }
  return points;
}

/** The install set of `resolution` in `env`: every package whose marker holds there. */
function installSet(resolution: Resolution, env: MarkerEnvironment) {
  return resolution.packages
    .filter((p) => p.marker.evaluate(env))
    .map((p) => ({ name: p.name, version: p.version.toString() }));
}

/**
 * Lock universally, validate every grid point, and cross-check each point with a specific
 * resolution. Returns the number of grid points checked (0 when the lock has no solution).
 */
async function checkGrid(
  universe: Universe,
  root: string[],
  requiresPython: string,
  label: string,
): Promise<number | "no-solution"> {
  const server = await serveUniverse(universe);
  try {
    const client = newClient(server.url, join(work, basename(label).replace(/[^\w.-]/g, "_")));
    const outcome = await lockstepResolve(client, root, universalOptions(requiresPython));
    if (outcome.kind === "no-solution") return "no-solution";
    const index = new UniverseIndex(universe);
    const points = grid(requiresPython);
    for (const point of points) {
      const chosen = installSet(outcome.resolution, point.env);
      const problems = validateInstallSet(index, root, chosen, point.env);
      expect(
        problems,
        `${label} at ${point.label}; forks ${outcome.resolution.forks.map(String).join(" | ")}`,
      ).toEqual([]);
      const specific = await lockstepResolve(client, root, {
        target: { kind: "specific", markers: point.env, tags: TagPriority.forTarget(point.target) },
        requiresPython: SpecifierSet.parse(requiresPython),
      });
      expect(
        specific.kind === "no-solution" ? specific.report : "solved",
        `${label} at ${point.label}: the lock is valid here`,
      ).toBe("solved");
    }
    return points.length;
  } finally {
    await server.close();
  }
}

const RANDOM_SEEDS = Array.from({ length: 12 }, (_, i) => 3000 + i);
const randomOutcomes: Array<number | "no-solution"> = [];

describe("universal locks of random universes hold in every environment", () => {
  afterAll(() => {
    const points = randomOutcomes.reduce<number>((a, o) => a + (typeof o === "number" ? o : 0), 0);
    console.log(
      `universal grid: ${randomOutcomes.filter((o) => o !== "no-solution").length}/${randomOutcomes.length} random universes locked, ${points} environments validated`,
    );
    // Most of these universes must lock, or the grid checks above prove little.
    expect(randomOutcomes.filter((o) => typeof o === "number").length).toBeGreaterThanOrEqual(
      RANDOM_SEEDS.length / 2,
    );
  });
  test.concurrent.each(RANDOM_SEEDS)("seed %i", async (seed) => {
    const { universe, root } = generateUniverse(seed, {
      flavour: "satisfiable",
      markerRate: 0.4,
      upperRequiresPython: false,
      platformWheels: false,
    });
    const outcome = await checkGrid(universe, root, ">=3.8", `seed ${seed} root ${JSON.stringify(root)}`);
    randomOutcomes.push(outcome);
  });
});

const requiresPythonByScenario = (() => {
  const data = JSON.parse(readFileSync(join(PACKSE, "uv-universal-expected.json"), "utf8")) as {
    scenarios: Record<string, { "requires-python"?: string }>;
  };
  return data.scenarios;
})();

const FORK_SCENARIOS = findScenarios(join(PACKSE, "fork")).map(
  (path) => [basename(path, ".toml"), path] as const,
);

describe("universal locks of packse fork scenarios hold in every environment", () => {
  test.each(FORK_SCENARIOS)("%s", async (name, path) => {
    const scenario = loadScenario(path);
    const requiresPython =
      requiresPythonByScenario[`fork/${name}.toml`]?.["requires-python"] ?? scenario.root.requiresPython;
    const outcome = await checkGrid(
      scenario.universe,
      scenario.root.requires,
      requiresPython,
      `fork/${name}`,
    );
    if (scenario.expected.satisfiable) expect(outcome).toBeGreaterThan(0);
    else expect(outcome).toBe("no-solution");
  });
});

test("the grid spans OS × admitted minors at their lowest admitted patch", () => {
  expect(grid(">=3.12").map((p) => p.label)).toEqual([
    "linux 3.12.0",
    "macos 3.12.0",
    "windows 3.12.0",
    "linux 3.13.0",
    "macos 3.13.0",
    "windows 3.13.0",
  ]);
  expect(grid(">=3.10.1,<3.11").map((p) => p.label)).toEqual([
    "linux 3.10.1",
    "macos 3.10.1",
    "windows 3.10.1",
  ]);
  expect(Marker.parse("sys_platform == 'darwin'").evaluate((grid(">=3.13")[1] as GridPoint).env)).toBe(true);
});
