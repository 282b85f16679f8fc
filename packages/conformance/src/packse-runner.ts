/**
 * `pnpm conformance packse [DIR]`: every packse scenario under DIR, built into a universe, served on
 * loopback and resolved through the same code path as `lockstep lock` (index client + resolver).
 *
 * Passing means: satisfiability as expected; where `expected.packages` is given, exactly those
 * versions (no more, no fewer); an unsatisfiable scenario produces a report naming a package of
 * the scenario; for universal scenarios with uv's recorded result (`uv-universal-expected.json`),
 * the same (name, version) set, and the same versions in force in every environment of the grid.
 *
 * One scenario never stops the run: a file that cannot be loaded (bad TOML, a key packse's model
 * does not have), an option lockstep cannot honour (a `python_platform` it has no tags for), or any
 * other error while serving or resolving it is that scenario's one failed line, naming the file and
 * the problem.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  findScenarios,
  loadScenario,
  loadUvUniversalExpected,
  scenarioKey,
  serveUniverse,
} from "@lockstep/fixtures";
import type { PackseScenario, UvUniversalExpected } from "@lockstep/fixtures";
import { IndexClient } from "@lockstep/index";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Marker, Requirement } from "@lockstep/pep508";
import type { Resolution, ResolveOptions } from "@lockstep/resolver";
import { resolvePython } from "@lockstep/resolver";
import { TagPriority, markerEnvironmentFor } from "@lockstep/wheel";
import type { TargetEnv } from "@lockstep/wheel";
import { environmentGrid } from "./grid";
import { targetFromPlatform } from "./target";

export interface CaseResult {
  name: string;
  status: "passed" | "failed" | "different";
  expected: string;
  got: string;
  detail?: string;
}

function describeResolution(res: Resolution): string {
  return res.packages.map((p) => `${p.name}==${p.version.toString()}`).join(", ") || "(nothing)";
}

function compareUniversal(res: Resolution, uv: UvUniversalExpected): string | undefined {
  const ours = new Set(res.packages.map((p) => `${p.name}==${p.version.toString()}`));
  const theirs = new Set(uv.packages.map((p) => `${p.name}==${Version.parse(p.version).toString()}`));
  const missing = [...theirs].filter((x) => !ours.has(x));
  const extra = [...ours].filter((x) => !theirs.has(x));
  if (missing.length || extra.length) {
    return `locked set differs: ${missing.length ? `missing ${missing.join(", ")}` : ""}${missing.length && extra.length ? "; " : ""}${extra.length ? `extra ${extra.join(", ")}` : ""}`;
  }
  // uv records resolution markers only for packages locked at more than one version; a package
  // with a single version applies wherever it is reachable, so it is "in force" everywhere here.
  const versionsOf = new Map<string, number>();
  for (const p of res.packages) versionsOf.set(p.name, (versionsOf.get(p.name) ?? 0) + 1);
  for (const point of environmentGrid(uv.requiresPython)) {
    const inForce = (markers: string[]) =>
      markers.length === 0 || markers.some((m) => Marker.parse(m).evaluate(point.env));
    const uvSet = uv.packages
      .filter((p) => inForce(p.resolutionMarkers))
      .map((p) => `${p.name}==${Version.parse(p.version).toString()}`)
      .sort();
    const ourSet = res.packages
      .filter((p) => (versionsOf.get(p.name) ?? 0) < 2 || p.forkMarker.evaluate(point.env))
      .map((p) => `${p.name}==${p.version.toString()}`)
      .sort();
    if (uvSet.join() !== ourSet.join()) {
      return `on ${point.label}: uv has ${uvSet.join(", ") || "nothing"}, we have ${ourSet.join(", ") || "nothing"}`;
    }
  }
  return undefined;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
}

export async function runPackseScenario(
  dir: string,
  path: string,
  uvExpected?: Record<string, UvUniversalExpected>,
): Promise<CaseResult> {
  const key = scenarioKey(dir, path);
  let sc: PackseScenario;
  try {
    sc = loadScenario(path);
  } catch (err) {
    // The message names the file (with the line where known) and the problem.
    return { name: key, status: "failed", expected: "a loadable packse scenario", got: firstLine(err) };
  }
  try {
    return await runLoaded(key, sc, uvExpected?.[key]);
  } catch (err) {
    return { name: key, status: "failed", expected: "a result", got: `error: ${firstLine(err)}` };
  }
}

async function runLoaded(
  key: string,
  sc: PackseScenario,
  uv: UvUniversalExpected | undefined,
): Promise<CaseResult> {
  const expectedText = sc.expected.satisfiable
    ? sc.expected.packages
      ? Object.entries(sc.expected.packages)
          .map(([n, v]) => `${n}==${v}`)
          .sort()
          .join(", ")
      : "satisfiable"
    : "unsatisfiable";
  const pythonText = sc.options.python ?? sc.options.environmentPython;
  const [maj, min, patch] = pythonText.split(".").map(Number) as [number, number, number | undefined];
  // Universal scenarios are `uv lock` runs, which take no platform: a lock covers them all.
  let target: TargetEnv | undefined;
  if (!sc.options.universal) {
    const platform = targetFromPlatform(sc.options.pythonPlatform, [maj, min], patch ?? 0);
    if (!platform.ok) return { name: key, status: "failed", expected: expectedText, got: platform.reason };
    target = platform.target;
  }
  const server = await serveUniverse(sc.universe);
  const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-packse-"));
  const client = new IndexClient({ indexes: [{ url: server.url, default: true }], cacheDir });
  try {
    const options: ResolveOptions =
      target === undefined
        ? {
            target: {
              kind: "universal",
              requiredEnvironments: (sc.options.requiredEnvironments ?? []).map((m) => Marker.parse(m)),
            },
            requiresPython: SpecifierSet.parse(uv?.requiresPython ?? sc.root.requiresPython),
          }
        : {
            target: {
              kind: "specific" as const,
              markers: markerEnvironmentFor(target),
              tags: TagPriority.forTarget(target),
            },
            requiresPython: undefined,
            pythonVersion: Version.parse(pythonText),
          };
    options.prerelease = sc.options.prereleases ? "allow" : "if-necessary-or-explicit";
    options.noBuild = sc.options.noBuild === "all" ? "all" : new Set(sc.options.noBuild);
    options.noBinary = sc.options.noBinary === "all" ? "all" : new Set(sc.options.noBinary);
    let res: Resolution;
    try {
      res = await resolvePython(
        client,
        {
          name: "root",
          version: Version.parse("0"),
          dependencies: sc.root.requires.map((r) => Requirement.parse(r)),
          extras: new Map(),
          groups: new Map(),
        },
        options,
      );
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== "no-solution") {
        return {
          name: key,
          status: "failed",
          expected: expectedText,
          got: `error: ${(err as Error).message.split("\n")[0]}`,
        };
      }
      const report = (err as Error).message;
      if (sc.expected.satisfiable)
        return { name: key, status: "failed", expected: expectedText, got: "unsatisfiable", detail: report };
      const names = Object.keys(sc.universe.packages);
      const named = names.some((n) => report.includes(n));
      return named || names.length === 0
        ? { name: key, status: "passed", expected: expectedText, got: "unsatisfiable", detail: report }
        : {
            name: key,
            status: "failed",
            expected: expectedText,
            got: "a report naming no package",
            detail: report,
          };
    }
    if (!sc.expected.satisfiable) {
      return { name: key, status: "failed", expected: expectedText, got: describeResolution(res) };
    }
    if (sc.expected.packages) {
      const want = Object.entries(sc.expected.packages)
        .map(([n, v]) => `${n}==${Version.parse(v).toString()}`)
        .sort()
        .join(", ");
      const got = res.packages
        .map((p) => `${p.name}==${p.version.toString()}`)
        .sort()
        .join(", ");
      if (want !== got) return { name: key, status: "failed", expected: want, got };
    }
    if (sc.options.universal && uv) {
      const diff = compareUniversal(res, uv);
      if (diff) return { name: key, status: "failed", expected: "uv's universal lock", got: diff };
    }
    return { name: key, status: "passed", expected: expectedText, got: describeResolution(res) };
  } finally {
    client.close();
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

export async function runPackse(dir: string, onResult?: (r: CaseResult) => void): Promise<CaseResult[]> {
  const uvExpected = loadUvUniversalExpected(dir);
  const results: CaseResult[] = [];
  for (const path of findScenarios(dir)) {
    const r = await runPackseScenario(dir, path, uvExpected);
    onResult?.(r);
    results.push(r);
  }
  return results;
}
