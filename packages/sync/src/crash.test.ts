/**
 * Kill and resume: a sync from state A to state B (upgrade, downgrade, add, remove) runs in a child
 * process that SIGKILLs itself after N file-system changes, for every N from 1 to the total; then a
 * normal sync to B must leave exactly B: the same distributions, the same files as a fresh sync to
 * B (no strays, nothing missing), every RECORD hash true, and no lock left behind.
 *
 * The child is bundled once with esbuild so that each run costs a Node start, not a TypeScript
 * compile.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, test } from "vitest";
import { IndexClient } from "@lockstep/index";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import { parseRecord } from "@lockstep/wheel";
import { buildUniverse, startIndexServer } from "@lockstep/fixtures";
import type { BuiltIndex, IndexServer } from "@lockstep/fixtures";
import { executeSync } from "./execute";
import { readInstalled } from "./installed";
import { planSync } from "./plan";
import type { PlannedDistribution } from "./plan";
import { newVenv, plannedSet, python3, SYNC_UNIVERSE, tree } from "../testing";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const cacheDir = tmp("ls-crash-cache-");
let built: BuiltIndex;
let server: IndexServer;
let info: InterpreterInfo;
let child: string;
let A: PlannedDistribution[];
let B: PlannedDistribution[];

beforeAll(async () => {
  built = await buildUniverse(SYNC_UNIVERSE);
  server = await startIndexServer(built);
  info = python3(cacheDir);
  A = plannedSet(built, server.origin, { alpha: "1.0", beta: "1.1", gamma: "0.5" });
  B = plannedSet(built, server.origin, { alpha: "2.0", beta: "1.0", delta: "3.0" });
  child = join(tmp("ls-crash-child-"), "child.mjs");
  await build({
    entryPoints: [fileURLToPath(new URL("../testing/crash-child.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: child,
    logLevel: "silent",
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
});
afterAll(async () => {
  await server.close();
});

async function syncTo(venv: Venv, desired: PlannedDistribution[], onFileOperation?: () => void) {
  const client = new IndexClient({ indexes: [{ url: server.url, default: true }], cacheDir });
  try {
    return await executeSync(planSync(desired, readInstalled(venv.sitePackages)), {
      venv,
      interpreter: info,
      client,
      cacheDir,
      ...(onFileOperation ? { onFileOperation } : {}),
    });
  } finally {
    client.close();
  }
}

const state = (site: string) =>
  [...readInstalled(site).values()].map((d) => `${d.name}==${d.version}${d.incomplete ? "!" : ""}`).sort();

/** Every RECORD row with a hash names a file with that content. */
function recordProblems(venv: Venv): string[] {
  const problems: string[] = [];
  for (const d of readInstalled(venv.sitePackages).values()) {
    for (const row of parseRecord(readFileSync(join(d.distInfo, "RECORD"), "utf8"))) {
      if (!row.hash) continue;
      const path = join(venv.sitePackages, row.path);
      let actual: string;
      try {
        actual = `sha256=${createHash("sha256").update(readFileSync(path)).digest("base64url")}`;
      } catch {
        problems.push(`${row.path}: missing`);
        continue;
      }
      if (actual !== row.hash) problems.push(`${row.path}: ${actual} != ${row.hash}`);
    }
  }
  return problems;
}

test("a sync killed after any number of file operations is repaired by the next one", async () => {
  // The reference: a fresh sync to B, and the number of operations A → B takes.
  const reference = newVenv(join(tmp("ls-crash-ref-"), "venv"), info);
  await syncTo(reference, B);
  const counted = newVenv(join(tmp("ls-crash-count-"), "venv"), info);
  await syncTo(counted, A);
  let total = 0;
  await syncTo(counted, B, () => total++);
  expect(tree(counted.root)).toEqual(tree(reference.root));
  expect(total).toBeGreaterThan(40);

  const outcomes = new Map<string, number>();
  for (let n = 1; n <= total; n++) {
    const venv = newVenv(join(tmp("ls-crash-"), "venv"), info);
    await syncTo(venv, A);
    const run = spawnSync(
      process.execPath,
      [child, JSON.stringify({ venv, info, cacheDir, indexUrl: server.url, desired: B, killAfter: n })],
      { encoding: "utf8" },
    );
    expect(run.signal, `${n}: ${run.stderr}`).toBe("SIGKILL");
    const between = state(venv.sitePackages).join(" ");
    outcomes.set(between, (outcomes.get(between) ?? 0) + 1);
    await syncTo(venv, B);
    expect(state(venv.sitePackages), `killed after ${n}`).toEqual(["alpha==2.0", "beta==1.0", "delta==3.0"]);
    expect(tree(venv.root), `killed after ${n}`).toEqual(tree(reference.root));
    expect(recordProblems(venv), `killed after ${n}`).toEqual([]);
  }
  // The kills landed in many different intermediate states, incomplete ones among them.
  expect(outcomes.size).toBeGreaterThan(5);
  expect([...outcomes.keys()].some((s) => s.includes("!"))).toBe(true);
});
