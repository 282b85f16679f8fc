/**
 * `pnpm conformance resolvelib [DIR]`: each `DIR/cases/*.json` resolved against the PyPI snapshot
 * it names, for CPython 3.11 on Linux x86_64. Passes when the answer is valid (independent
 * validator) and equals `resolved`; valid but different is `different`; a case with `conflicted`
 * must be unsatisfiable with a report naming those packages.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnapshot, serveUniverse } from "@lockstep/fixtures";
import { IndexClient } from "@lockstep/index";
import { Version } from "@lockstep/pep440";
import { Requirement, canonicalizeName } from "@lockstep/pep508";
import { resolvePython } from "@lockstep/resolver";
import { TagPriority, markerEnvironmentFor } from "@lockstep/wheel";
import type { TargetEnv } from "@lockstep/wheel";
import type { CaseResult } from "./packse-runner";
import { validateSolution } from "./validate";

interface ResolvelibCase {
  index: string;
  requested: string[];
  resolved?: Record<string, { version: string } | string>;
  conflicted?: Record<string, string[]> | string[];
}

const TARGET: TargetEnv = {
  implementation: "cpython",
  pythonVersion: [3, 11],
  pythonPatch: 7,
  os: "linux",
  arch: "x86_64",
  libc: { kind: "glibc", version: [2, 35] },
};

export async function runResolvelibCase(path: string, snapshots: string): Promise<CaseResult> {
  const name =
    path
      .split("/")
      .pop()
      ?.replace(/\.json$/, "") ?? path;
  const c = JSON.parse(readFileSync(path, "utf8")) as ResolvelibCase;
  const { universe } = loadSnapshot(join(snapshots, `${c.index}.json`));
  const server = await serveUniverse(universe);
  const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-resolvelib-"));
  const client = new IndexClient({ indexes: [{ url: server.url, default: true }], cacheDir });
  const env = markerEnvironmentFor(TARGET);
  const roots = c.requested.map((r) => Requirement.parse(r));
  const conflicted = c.conflicted
    ? Array.isArray(c.conflicted)
      ? c.conflicted
      : Object.keys(c.conflicted)
    : undefined;
  const expected = conflicted
    ? `unsatisfiable (${conflicted.join(", ")})`
    : Object.entries(c.resolved ?? {})
        .map(
          ([n, v]) =>
            `${canonicalizeName(n)}==${Version.parse(typeof v === "string" ? v : v.version).toString()}`,
        )
        .sort()
        .join(", ") || "(nothing)";
  try {
    let chosen: Map<string, Version>;
    try {
      const res = await resolvePython(
        client,
        {
          name: "root",
          version: Version.parse("0"),
          dependencies: roots,
          extras: new Map(),
          groups: new Map(),
        },
        {
          target: { kind: "specific", markers: env, tags: TagPriority.forTarget(TARGET) },
          requiresPython: undefined,
        },
      );
      chosen = new Map(res.packages.map((p) => [p.name, p.version]));
    } catch (err) {
      if ((err as { code?: string }).code !== "no-solution") throw err;
      const report = (err as Error).message;
      if (conflicted) {
        const named = conflicted.every((n) => report.includes(canonicalizeName(n)));
        return {
          name,
          status: named ? "passed" : "failed",
          expected,
          got: named ? "unsatisfiable" : "a report not naming every conflicted package",
          detail: report,
        };
      }
      return { name, status: "failed", expected, got: "unsatisfiable", detail: report };
    }
    const got =
      [...chosen]
        .map(([n, v]) => `${n}==${v.toString()}`)
        .sort()
        .join(", ") || "(nothing)";
    if (conflicted) return { name, status: "failed", expected, got };
    const problems = await validateSolution(client, roots, chosen, env);
    if (problems.length > 0)
      return { name, status: "failed", expected, got, detail: `invalid: ${problems.join("; ")}` };
    const want = new Map(
      Object.entries(c.resolved ?? {}).map(([n, v]) => [
        canonicalizeName(n),
        Version.parse(typeof v === "string" ? v : v.version),
      ]),
    );
    const diff = [
      ...[...want]
        .filter(([n, v]) => !chosen.get(n)?.equals(v))
        .map(([n, v]) => `${n}: expected ${v.toString()}, got ${chosen.get(n)?.toString() ?? "nothing"}`),
      ...[...chosen].filter(([n]) => !want.has(n)).map(([n, v]) => `${n}: not expected, got ${v.toString()}`),
    ];
    return diff.length === 0
      ? { name, status: "passed", expected, got }
      : { name, status: "different", expected, got, detail: diff.join("; ") };
  } finally {
    client.close();
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

export async function runResolvelib(
  dir: string,
  snapshots: string,
  onResult?: (r: CaseResult) => void,
): Promise<CaseResult[]> {
  const files = readdirSync(join(dir, "cases"))
    .filter((f) => f.endsWith(".json"))
    .sort();
  const results: CaseResult[] = [];
  for (const f of files) {
    let r: CaseResult;
    try {
      r = await runResolvelibCase(join(dir, "cases", f), snapshots);
    } catch (err) {
      r = {
        name: f.replace(/\.json$/, ""),
        status: "failed",
        expected: "an answer",
        got: `error: ${(err as Error).message.split("\n")[0]}`,
      };
    }
    onResult?.(r);
    results.push(r);
  }
  return results;
}
