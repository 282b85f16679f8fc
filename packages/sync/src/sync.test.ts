/**
 * Sync against a served fixture universe: the venv ends up holding exactly the plan; upgrades,
 * downgrades, additions and removals in one re-sync give the same tree as a fresh sync; a no-op sync
 * does no work (the client is never asked); a bad hash, a malformed wheel or a failed build changes
 * nothing in the venv (everything is fetched and verified before anything is removed) and says why;
 * two syncs never interleave.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { IndexClient } from "@lockstep/index";
import type { DistFile } from "@lockstep/index";
import type { InterpreterInfo } from "@lockstep/python";
import { recordHash } from "@lockstep/wheel";
import { buildUniverse, startIndexServer } from "@lockstep/fixtures";
import type { BuiltIndex, IndexServer } from "@lockstep/fixtures";
import { executeSync, SyncError } from "./execute";
import type { ExecuteOptions, SyncEvent } from "./execute";
import { readInstalled } from "./installed";
import { isNoop, planSync } from "./plan";
import type { PlannedDistribution } from "./plan";
import { formatSyncSummary } from "./summary";
import { acquireVenvLock, VenvLockedError } from "./venv-lock";
import { newVenv, plannedSet, python3, SYNC_UNIVERSE, tree } from "../testing";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

let built: BuiltIndex;
let server: IndexServer;
let info: InterpreterInfo;
const cacheDir = tmp("ls-sync-cache-");

beforeAll(async () => {
  built = await buildUniverse(SYNC_UNIVERSE);
  server = await startIndexServer(built);
  info = python3(cacheDir);
});
afterAll(async () => {
  await server.close();
});

const A = { alpha: "1.0", beta: "1.1", gamma: "0.5" };
const B = { alpha: "2.0", beta: "1.0", delta: "3.0" };

/** A client that counts downloads. */
function countingClient(cache: string): ExecuteOptions["client"] & { calls: string[] } {
  const client = new IndexClient({ indexes: [{ url: server.url, default: true }], cacheDir: cache });
  const calls: string[] = [];
  return {
    calls,
    download(file: DistFile, opts) {
      calls.push(file.filename);
      return client.download(file, opts);
    },
  };
}

async function sync(
  root: string,
  desired: PlannedDistribution[],
  cache = cacheDir,
  extra: Partial<ExecuteOptions> = {},
) {
  const venv = newVenv(root, info);
  const client = countingClient(cache);
  const plan = planSync(desired, readInstalled(venv.sitePackages));
  const result = await executeSync(plan, { venv, interpreter: info, client, cacheDir: cache, ...extra });
  return { venv, plan, result, client };
}

/** Every path under `root` with its contents (a symlink: its target). */
const snapshot = (root: string) =>
  tree(root).map((f) => {
    const path = join(root, f);
    if (f.endsWith("/")) return f;
    return `${f} ${lstatSync(path).isSymbolicLink() ? `-> ${readlinkSync(path)}` : readFileSync(path, "latin1")}`;
  });

const state = (site: string) =>
  [...readInstalled(site).values()]
    .map((d) => `${d.name}==${d.version}${d.incomplete ? " (incomplete)" : ""}`)
    .sort();

describe("exact sync", () => {
  test("a fresh venv holds exactly the plan; a second sync does no work", async () => {
    const root = join(tmp("ls-sync-"), "venv");
    const cache = tmp("ls-sync-cold-");
    const first = await sync(root, plannedSet(built, server.origin, A), cache, {
      requested: new Set(["alpha"]),
    });
    expect(state(first.venv.sitePackages)).toEqual(["alpha==1.0", "beta==1.1", "gamma==0.5"]);
    expect(first.result.downloads).toBe(3);
    expect(first.result.unpacked).toBe(3);
    expect(first.client.calls.sort()).toEqual([
      "alpha-1.0-py3-none-any.whl",
      "beta-1.1-py3-none-any.whl",
      "gamma-0.5-py3-none-any.whl",
    ]);
    expect(formatSyncSummary(first.result).split("\n").slice(1)).toEqual([
      " + alpha==1.0",
      " + beta==1.1",
      " + gamma==0.5",
    ]);
    const installed = readInstalled(first.venv.sitePackages);
    expect(installed.get("alpha")?.requested).toBe(true);
    expect(installed.get("beta")?.requested).toBe(false);
    expect(installed.get("beta")?.installer).toBe("lockstep");
    expect(readFileSync(join(first.venv.bin, "gamma-tool"), "utf8")).toBe(
      `#!${first.venv.python}\nprint('g')\n`,
    );

    const again = await sync(root, plannedSet(built, server.origin, A), cache);
    expect(isNoop(again.plan)).toBe(true);
    expect(again.client.calls).toEqual([]);
    expect(
      again.result.downloads +
        again.result.unpacked +
        again.result.links.hardlinked +
        again.result.links.copied,
    ).toBe(0);
    expect(formatSyncSummary(again.result)).toBe("");
  });

  test("progress events announce the totals, then the bytes of each download", async () => {
    const desired = plannedSet(built, server.origin, A);
    const events: SyncEvent[] = [];
    const cold = tmp("ls-sync-cold-");
    await sync(join(tmp("ls-sync-"), "venv"), desired, cold, {
      onProgress: (e) => events.push(e),
    });
    const sizes = Object.fromEntries(desired.map((d) => [d.name, d.size]));
    expect(Object.values(sizes).every((n) => typeof n === "number" && n > 0)).toBe(true);
    expect(events[0]).toEqual({
      kind: "totals",
      downloads: 3,
      downloadBytes: Object.values(sizes).reduce((a, b) => (a ?? 0) + (b ?? 0), 0),
      builds: 0,
      installs: 3,
      uninstalls: 0,
    });
    const last = new Map<string, [number, number | undefined]>();
    for (const e of events) if (e.kind === "download-bytes") last.set(e.name, [e.bytes, e.total]);
    expect(Object.fromEntries(last)).toEqual(
      Object.fromEntries(desired.map((d) => [d.name, [d.size, d.size]])),
    );
    expect(events.filter((e) => e.kind === "install").length).toBe(3);
    // Once unpacked in the cache nothing is downloaded: the totals say so, and no bytes are reported.
    const warm: SyncEvent[] = [];
    await sync(join(tmp("ls-sync-"), "venv"), desired, cold, { onProgress: (e) => warm.push(e) });
    expect(warm[0]).toEqual({
      kind: "totals",
      downloads: 0,
      downloadBytes: 0,
      builds: 0,
      installs: 3,
      uninstalls: 0,
    });
    expect(warm.filter((e) => e.kind === "download" || e.kind === "download-bytes")).toEqual([]);
  });

  test("upgrade, downgrade, add and remove in one re-sync equal a fresh sync", async () => {
    const root = join(tmp("ls-sync-"), "venv");
    await sync(root, plannedSet(built, server.origin, A));
    const { venv, plan, result, client } = await sync(root, plannedSet(built, server.origin, B));
    expect(plan.reinstall.map((r) => `${r.desired.name}:${r.reason}`)).toEqual([
      "alpha:upgrade",
      "beta:downgrade",
    ]);
    expect(plan.install.map((d) => d.name)).toEqual(["delta"]);
    expect(plan.remove.map((d) => d.name)).toEqual(["gamma"]);
    expect(client.calls.sort()).toEqual([
      "alpha-2.0-py3-none-any.whl",
      "beta-1.0-py3-none-any.whl",
      "delta-3.0-py3-none-any.whl",
    ]);
    expect(formatSyncSummary({ ...result, installMs: 12, uninstallMs: 3 })).toBe(
      [
        "Uninstalled 3 packages in 3ms",
        "Installed 3 packages in 12ms",
        " - alpha==1.0",
        " + alpha==2.0",
        " - beta==1.1",
        " + beta==1.0",
        " + delta==3.0",
        " - gamma==0.5",
      ].join("\n"),
    );
    expect(state(venv.sitePackages)).toEqual(["alpha==2.0", "beta==1.0", "delta==3.0"]);
    const fresh = await sync(join(tmp("ls-sync-"), "venv"), plannedSet(built, server.origin, B));
    expect(tree(venv.root)).toEqual(tree(fresh.venv.root));
    expect(execFileSync(join(venv.bin, "alpha"), { encoding: "utf8" })).toBe("alpha 2\n");

    // and back down again, through the warm cache: nothing downloaded
    const back = await sync(root, plannedSet(built, server.origin, A));
    expect(back.client.calls).toEqual([]);
    expect(back.result.unpacked).toBe(0);
    const freshA = await sync(join(tmp("ls-sync-"), "venv"), plannedSet(built, server.origin, A));
    expect(tree(venv.root)).toEqual(tree(freshA.venv.root));
  });

  test.each(["copy", "clone", "symlink"] as const)("link mode %s gives the same tree", async (linkMode) => {
    const { venv, result } = await sync(
      join(tmp("ls-sync-"), "venv"),
      plannedSet(built, server.origin, B),
      cacheDir,
      { linkMode },
    );
    const fresh = await sync(join(tmp("ls-sync-"), "venv"), plannedSet(built, server.origin, B));
    expect(tree(venv.root)).toEqual(tree(fresh.venv.root));
    expect(result.links.hardlinked).toBe(0);
    expect(execFileSync(join(venv.bin, "alpha"), { encoding: "utf8" })).toBe("alpha 2\n");
  });

  test("inexact keeps what the plan does not mention", async () => {
    const root = join(tmp("ls-sync-"), "venv");
    const { venv } = await sync(root, plannedSet(built, server.origin, A));
    const plan = planSync(
      plannedSet(built, server.origin, { delta: "3.0" }),
      readInstalled(venv.sitePackages),
      { inexact: true },
    );
    await executeSync(plan, { venv, interpreter: info, client: countingClient(cacheDir), cacheDir });
    expect(state(venv.sitePackages)).toEqual(["alpha==1.0", "beta==1.1", "delta==3.0", "gamma==0.5"]);
  });

  test("bytecode compilation", async () => {
    const { venv, result } = await sync(
      join(tmp("ls-sync-"), "venv"),
      plannedSet(built, server.origin, { alpha: "1.0" }),
      cacheDir,
      {
        compileBytecode: true,
      },
    );
    expect(result.compiled).toBe(4);
    expect(tree(join(venv.sitePackages, "alpha", "__pycache__")).length).toBe(1);
  });
});

describe("a failure before the venv changes leaves it exactly as it was", () => {
  test("a hash mismatch names the package and the URL", async () => {
    const desired = plannedSet(built, server.origin, A).map((d) =>
      d.name === "beta" ? { ...d, hashes: { sha256: "0".repeat(64) } } : d,
    );
    const root = join(tmp("ls-sync-"), "venv");
    const error = await sync(root, desired, tmp("ls-sync-cold-")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    const message = (error as SyncError).message;
    expect(message.split("\n").slice(0, 2)).toEqual([
      "Failed to install 1 package:",
      `  beta==1.1 (${server.origin}/files/beta-1.1-py3-none-any.whl): Hash mismatch for ${server.origin}/files/beta-1.1-py3-none-any.whl:`,
    ]);
    expect((error as SyncError).hint).toBe("nothing was installed or removed: the environment is as it was");
    const venv = newVenv(root, info);
    expect(state(venv.sitePackages)).toEqual([]);
  });

  test("a re-sync whose second wheel fails its hash keeps the old versions installed and importable", async () => {
    const root = join(tmp("ls-sync-"), "venv");
    const cache = tmp("ls-sync-cold-");
    const { venv } = await sync(root, plannedSet(built, server.origin, A), cache);
    const before = snapshot(venv.root);
    // B sorted: alpha 2.0 (fine, downloaded), beta 1.0 (wrong hash), delta 3.0.
    const desired = plannedSet(built, server.origin, B).map((d) =>
      d.name === "beta" ? { ...d, hashes: { sha256: "0".repeat(64) } } : d,
    );
    const client = countingClient(cache);
    const error = await executeSync(planSync(desired, readInstalled(venv.sitePackages)), {
      venv,
      interpreter: info,
      client,
      cacheDir: cache,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    const url = `${server.origin}/files/beta-1.0-py3-none-any.whl`;
    expect((error as SyncError).message.split("\n").slice(0, 2)).toEqual([
      "Failed to install 1 package:",
      `  beta==1.0 (${url}): Hash mismatch for ${url}:`,
    ]);
    expect((error as SyncError).result.uninstalled).toEqual([]);
    expect((error as SyncError).result.installed).toEqual([]);
    // The other wheels were fetched, and the venv is byte for byte what it was.
    expect(client.calls.sort()).toEqual([
      "alpha-2.0-py3-none-any.whl",
      "beta-1.0-py3-none-any.whl",
      "delta-3.0-py3-none-any.whl",
    ]);
    expect(state(venv.sitePackages)).toEqual(["alpha==1.0", "beta==1.1", "gamma==0.5"]);
    expect(snapshot(venv.root)).toEqual(before);
    const imported = spawnSync(venv.python, ["-c", "import alpha, beta, gamma; print(alpha.V, beta.B)"], {
      encoding: "utf8",
    });
    expect(imported.stdout.trim()).toBe("1 11");
  });

  test("a wheel whose RECORD hash is wrong installs nothing, naming the file", async () => {
    const dir = tmp("ls-bad-wheel-");
    const files: Record<string, string> = {
      "broken/__init__.py": "x = 1\n",
      "broken-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: broken\nVersion: 1.0\n",
      "broken-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    };
    const record =
      `broken/__init__.py,${recordHash("x = 2\n")},6\n` +
      `broken-1.0.dist-info/METADATA,${recordHash(files["broken-1.0.dist-info/METADATA"]!)},${files["broken-1.0.dist-info/METADATA"]!.length}\n` +
      `broken-1.0.dist-info/WHEEL,${recordHash(files["broken-1.0.dist-info/WHEEL"]!)},${files["broken-1.0.dist-info/WHEEL"]!.length}\n` +
      "broken-1.0.dist-info/RECORD,,\n";
    const path = join(dir, "broken-1.0-py3-none-any.whl");
    // written by CPython's zipfile, as build backends do
    execFileSync("python3", [
      "-c",
      "import json, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n    for k, v in json.loads(sys.argv[2]).items(): z.writestr(k, v)",
      path,
      JSON.stringify({ ...files, "broken-1.0.dist-info/RECORD": record }),
    ]);
    const bytes = readFileSync(path);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const desired: PlannedDistribution[] = [
      ...plannedSet(built, server.origin, { alpha: "1.0" }),
      {
        name: "broken",
        version: "1.0",
        kind: "wheel",
        path,
        filename: "broken-1.0-py3-none-any.whl",
        hashes: { sha256 },
      },
    ];
    const root = join(tmp("ls-sync-"), "venv");
    const error = (await sync(root, desired).catch((e: unknown) => e)) as SyncError;
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toBe(
      [
        "Failed to install 1 package:",
        `  broken==1.0 (${path}): The wheel broken-1.0-py3-none-any.whl is invalid (1 problem):`,
        `      broken/__init__.py: RECORD says ${recordHash("x = 2\n")}, the file has ${recordHash("x = 1\n")}`,
      ].join("\n"),
    );
    const venv = newVenv(root, info);
    expect(state(venv.sitePackages)).toEqual([]);
  });
});

test("an sdist without a build function fails the sync before anything is installed, saying why", async () => {
  const desired: PlannedDistribution[] = [
    ...plannedSet(built, server.origin, { beta: "1.0" }),
    {
      name: "gamma",
      version: "0.5",
      kind: "sdist",
      url: `${server.origin}/files/gamma-0.5.tar.gz`,
      hashes: {},
    },
  ];
  const root = join(tmp("ls-sync-"), "venv");
  const error = (await sync(root, desired).catch((e: unknown) => e)) as SyncError;
  expect(error.message).toBe(
    `Failed to install 1 package:\n  gamma==0.5 (${server.origin}/files/gamma-0.5.tar.gz): Cannot install gamma==0.5: building sdists is not available here`,
  );
  expect(error.result.installed).toEqual([]);
});

describe("the venv lock", () => {
  test("a second sync waits, then fails with a clear message", async () => {
    const root = join(tmp("ls-sync-"), "venv");
    const venv = newVenv(root, info);
    const held = await acquireVenvLock(root);
    const plan = planSync(
      plannedSet(built, server.origin, { beta: "1.0" }),
      readInstalled(venv.sitePackages),
    );
    const error = await executeSync(plan, {
      venv,
      interpreter: info,
      client: countingClient(cacheDir),
      cacheDir,
      lockTimeoutMs: 150,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VenvLockedError);
    expect((error as VenvLockedError).message).toBe(
      `Another lockstep process (pid ${process.pid}) is modifying the environment at ${root}; gave up after waiting 0s`,
    );
    held.release();
    await executeSync(plan, { venv, interpreter: info, client: countingClient(cacheDir), cacheDir });
    expect(state(venv.sitePackages)).toEqual(["beta==1.0"]);
    expect(tree(root)).not.toContain(".lockstep.lock");
  });

  test("a waiting sync proceeds when the holder releases", async () => {
    const root = join(tmp("ls-lock-"), "venv");
    newVenv(root, info);
    const first = await acquireVenvLock(root);
    let waited = false;
    const second = acquireVenvLock(root, { pollMs: 10, onWait: () => (waited = true) });
    setTimeout(() => first.release(), 60);
    const lock = await second;
    expect(waited).toBe(true);
    expect(readFileSync(lock.path, "utf8")).toBe(`${process.pid}\n`);
    lock.release();
  });

  test("a lock left by a dead process is taken over", async () => {
    const root = join(tmp("ls-lock-"), "venv");
    newVenv(root, info);
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const pid = Number(dead.stdout.trim());
    writeFileSync(join(root, ".lockstep.lock"), `${pid}\n`);
    const lock = await acquireVenvLock(root, { timeoutMs: 1000 });
    expect(readFileSync(lock.path, "utf8")).toBe(`${process.pid}\n`);
    lock.release();
  });
});
