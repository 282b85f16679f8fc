/**
 * Real metadata: jupyterlab's graph from the 2026 PyPI snapshot (real Requires-Dist, markers and
 * wheel file names), served on 127.0.0.1, locked through `lockProject`.
 *
 * - With `environments = ["sys_platform == 'linux'"]`, `appnope; platform_system == 'Darwin'` and
 *   `pywinpty; os_name == 'nt'` cannot apply, so the lock has neither and their pages are never
 *   asked for.
 * - Without `environments`, the lock is universal; pypa's `packaging.pylock` selects from it for
 *   Linux, macOS and Windows exactly what our own `selectForEnvironment` selects, appnope only on
 *   macOS and pywinpty only on Windows. (appnope and pywinpty are not in the snapshot: they are
 *   served as stand-ins, see testing/snapshot-graph.ts.) The snapshot keeps one wheel per release
 *   (cp311 manylinux x86_64 for binary projects), so every release also gets an sdist and the
 *   targets are CPython 3.11: on macOS and Windows binary projects select their sdist.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { readLock, selectForEnvironment } from "@lockstep/lockfile";
import { markerEnvironmentFor, supportedTags } from "@lockstep/wheel";
import type { TargetEnv } from "@lockstep/wheel";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { snapshotGraph } from "../testing";
import { lockProject } from "./lock-project";

const VERSION = "0.1.0";
const work = mkdtempSync(join(tmpdir(), "lockstep-jupyterlab-"));
let server: IndexServer;
let standIns: string[] = [];

beforeAll(async () => {
  const graph = snapshotGraph("pypi-2026-wheels.json", ["jupyterlab"], "jupyterlab-2026-graph", {
    sdists: true,
  });
  standIns = graph.standIns;
  server = await serveUniverse(graph.universe);
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

function project(name: string, environments: string[] | undefined): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const envs = environments ? `\n[tool.lockstep]\nenvironments = ${JSON.stringify(environments)}\n` : "";
  writeFileSync(
    join(dir, "pyproject.toml"),
    `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["jupyterlab"]\n${envs}`,
  );
  return dir;
}

async function lock(dir: string): Promise<string> {
  await lockProject({
    project: dir,
    indexUrl: server.url,
    cacheDir: join(work, "cache"),
    lockstepVersion: VERSION,
  });
  return readFileSync(join(dir, "pylock.toml"), "utf8");
}

const TARGETS: Array<[string, TargetEnv]> = [
  [
    "linux",
    {
      implementation: "cpython",
      pythonVersion: [3, 11],
      pythonPatch: 1,
      os: "linux",
      arch: "x86_64",
      libc: { kind: "glibc", version: [2, 35] },
    },
  ],
  [
    "macos",
    { implementation: "cpython", pythonVersion: [3, 11], pythonPatch: 1, os: "macos", arch: "arm64" },
  ],
  [
    "windows",
    { implementation: "cpython", pythonVersion: [3, 11], pythonPatch: 1, os: "windows", arch: "x86_64" },
  ],
];

const PYLOCK_SELECT = `
import json, sys, tomllib
from packaging.pylock import Pylock
from packaging.tags import parse_tag
cases = json.load(sys.stdin)
out = []
for case in cases:
    lock = Pylock.from_dict(tomllib.loads(case["lock"]))
    tags = [t for s in case["tags"] for t in parse_tag(s)]
    out.append(sorted(f"{pkg.name}=={pkg.version}" for pkg, dist in lock.select(environment=case["env"], tags=tags)))
print(json.dumps(out))
`;

describe("jupyterlab from the 2026 snapshot", () => {
  test("the snapshot lacks appnope and pywinpty (so the Linux lock must not need them)", () => {
    expect(standIns).toEqual(expect.arrayContaining(["appnope", "pywinpty"]));
  });

  test("environments = Linux: locks without appnope or pywinpty, never asking for them", async () => {
    const text = await lock(project("linux-only", ["sys_platform == 'linux'"]));
    const names = readLock(text, "pylock.toml").packages.map((p) => p.name);
    expect(names).toContain("jupyterlab");
    expect(names).toContain("ipykernel");
    expect(names.filter((n) => n === "appnope" || n === "pywinpty")).toEqual([]);
    expect(server.count("/simple/appnope/")).toBe(0);
    expect(server.count("/simple/pywinpty/")).toBe(0);
  }, 120_000);

  test("universal: packaging.pylock and our select agree on Linux, macOS and Windows", async () => {
    const text = await lock(project("universal", undefined));
    const parsed = readLock(text, "pylock.toml");
    const cases = TARGETS.map(([, t]) => ({
      lock: text,
      env: markerEnvironmentFor(t),
      tags: supportedTags(t),
    }));
    const theirs = JSON.parse(
      execFileSync("python3", ["-c", PYLOCK_SELECT], { input: JSON.stringify(cases), encoding: "utf8" }),
    ) as string[][];
    const ours = cases.map((c) =>
      selectForEnvironment(parsed, c.env, { tags: c.tags, extras: [], groups: [], includeProject: false })
        .map((i) => `${i.name}==${i.version ?? "-"}`)
        .sort(),
    );
    expect(ours).toEqual(theirs);
    const has = (i: number, name: string) => (theirs[i] ?? []).some((p) => p.startsWith(`${name}==`));
    expect(
      TARGETS.map(([os], i) => `${os}: appnope ${has(i, "appnope")}, pywinpty ${has(i, "pywinpty")}`),
    ).toEqual([
      "linux: appnope false, pywinpty false",
      "macos: appnope true, pywinpty false",
      "windows: appnope false, pywinpty true",
    ]);
    expect((theirs[0] ?? []).length).toBeGreaterThan(50);
  }, 120_000);
});
