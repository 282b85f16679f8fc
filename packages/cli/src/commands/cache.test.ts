/**
 * `lockstep cache dir|size|clean|prune`, in-process through `main`, on a cache filled by locking and
 * syncing a small fixture universe: the size counts it, `clean NAME` removes only that package's
 * entries, and `prune` removes what nothing refers to while leaving a temporary unpack directory of
 * a running process (a live pid) alone.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { main } from "../run-cli";

const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-cache-admin-"));
const project = mkdtempSync(join(tmpdir(), "lockstep-cache-project-"));
let server: IndexServer;

async function lockstep(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** Every file and directory under the cache, relative, sorted. */
function tree(dir = cacheDir): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      out.push(relative(cacheDir, join(d, n.name)));
      if (n.isDirectory()) walk(join(d, n.name));
    }
  };
  walk(dir);
  return out.sort();
}

beforeAll(async () => {
  server = await serveUniverse({
    name: "lockstep-cli-cache-admin",
    packages: {
      "alpha-pkg": {
        versions: { "1.0.0": { requiresDist: ["beta-pkg>=2"], files: { "alpha_pkg.py": "A = 1\n" } } },
      },
      "beta-pkg": { versions: { "2.0.0": { files: { "beta_pkg.py": "B = 2\n" } } } },
    },
  });
  writeFileSync(
    join(project, "pyproject.toml"),
    '[project]\nname = "cache-user"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = ["alpha-pkg"]\n',
  );
  const common = ["--project", project, "--index-url", server.url, "--cache-dir", cacheDir];
  const lock = await lockstep(["lock", ...common]);
  if (lock.code !== 0) throw new Error(lock.stderr);
  const sync = await lockstep(["sync", ...common, "--python", "python3"]);
  if (sync.code !== 0) throw new Error(sync.stderr);
}, 120_000);
afterAll(() => server?.close());

test("cache dir: --cache-dir, else LOCKSTEP_CACHE_DIR", async () => {
  expect(await lockstep(["cache", "dir", "--cache-dir", cacheDir])).toEqual({
    code: 0,
    stdout: `${cacheDir}\n`,
    stderr: "",
  });
  const saved = process.env.LOCKSTEP_CACHE_DIR;
  process.env.LOCKSTEP_CACHE_DIR = join(cacheDir, "elsewhere");
  try {
    expect((await lockstep(["cache", "dir"])).stdout).toBe(`${join(cacheDir, "elsewhere")}\n`);
  } finally {
    if (saved === undefined) delete process.env.LOCKSTEP_CACHE_DIR;
    else process.env.LOCKSTEP_CACHE_DIR = saved;
  }
});

test("cache size counts the entries the lock and sync wrote", async () => {
  const res = await lockstep(["cache", "size", "--cache-dir", cacheDir, "--output-format", "json"]);
  const size = JSON.parse(res.stdout) as {
    bytes: number;
    human: string;
    files: number;
    buckets: Record<string, number>;
  };
  expect(size.bytes).toBeGreaterThan(0);
  expect(Object.keys(size.buckets).sort()).toEqual(
    expect.arrayContaining(["archives-v1", "metadata-v1", "simple-v2", "wheels-v1"]),
  );
  expect(Object.values(size.buckets).reduce((a, b) => a + b, 0)).toBe(size.bytes);
  const text = await lockstep(["cache", "size", "--cache-dir", cacheDir]);
  expect(text.stdout).toBe(`${size.human} (${size.bytes} bytes, ${size.files} files) in ${cacheDir}\n`);
});

test("cache clean NAME removes that package's page, metadata, archive and unpacked wheel, nothing else", async () => {
  const before = tree();
  const beta = before.filter((p) => /beta[-_]pkg/.test(p));
  expect(beta.some((p) => p.startsWith("archives-v1/"))).toBe(true);
  expect(beta.some((p) => p.startsWith("simple-v2/"))).toBe(true);
  expect(beta.some((p) => p.startsWith("wheels-v1/"))).toBe(true);
  const res = await lockstep(["cache", "clean", "beta-pkg", "--cache-dir", cacheDir]);
  expect(res.code).toBe(0);
  expect(res.stderr).toMatch(/^Removed \d+ entries of beta-pkg \(.+\) from /);
  const after = tree();
  expect(after.filter((p) => /beta[-_]pkg/i.test(p))).toEqual([]);
  // Only beta's entries went: alpha's are all still there, as is the interpreter query.
  const alpha = before.filter((p) => /alpha[-_]pkg/.test(p));
  expect(alpha.length).toBeGreaterThan(3);
  for (const p of alpha) expect(after).toContain(p);
  expect(after.some((p) => p.startsWith("interpreter-v1/"))).toBe(true);
  const metadata = (d: string[]) =>
    d.filter((p) => p.startsWith("metadata-v1/") && p.endsWith(".METADATA")).length;
  expect(metadata(after)).toBe(metadata(before) - 1);
});

test("cache prune drops what nothing refers to and dead temp dirs, and keeps a live unpack", async () => {
  const wheels = join(cacheDir, "wheels-v1");
  const live = spawn("sleep", ["60"], { stdio: "ignore" });
  try {
    const dead = spawnSync("true").pid;
    const liveTemp = join(wheels, `.tmp-${live.pid}-${Date.now().toString(36)}-0123abcd`);
    const deadTemp = join(wheels, `.tmp-${dead}-${Date.now().toString(36)}-4567abcd`);
    mkdirSync(join(liveTemp, "half-written"), { recursive: true });
    mkdirSync(deadTemp);
    const obsolete = join(cacheDir, "simple-v1", "0123456789abcdef");
    mkdirSync(obsolete, { recursive: true });
    writeFileSync(join(obsolete, "old.json"), "{}");
    const orphan = join(cacheDir, "archives-v1", "f".repeat(64));
    const fresh = join(cacheDir, "archives-v1", "e".repeat(64));
    for (const dir of [orphan, fresh]) {
      mkdirSync(dir);
      writeFileSync(join(dir, "gone-1.0-py3-none-any.whl"), "x");
    }
    const longAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(orphan, longAgo, longAgo);
    const before = tree();

    const res = await lockstep(["cache", "prune", "--cache-dir", cacheDir]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^Pruned \d+ entries \(.+\) from /);
    expect(existsSync(liveTemp)).toBe(true);
    expect(existsSync(join(liveTemp, "half-written"))).toBe(true);
    expect(existsSync(deadTemp)).toBe(false);
    expect(existsSync(join(cacheDir, "simple-v1"))).toBe(false);
    expect(existsSync(orphan)).toBe(false);
    // Unreferenced but new: a running sync may have just downloaded it.
    expect(existsSync(fresh)).toBe(true);
    // alpha-pkg is still listed by its cached page: its archive, metadata and unpacked wheel stay.
    const after = tree();
    for (const p of before.filter((q) => /alpha[-_]pkg/.test(q))) expect(after).toContain(p);
  } finally {
    const exited = new Promise((resolve) => live.once("exit", resolve));
    live.kill();
    await exited;
  }
});

test("cache clean without names empties the cache; a fresh sync fills it again from the index", async () => {
  const res = await lockstep(["cache", "clean", "--cache-dir", cacheDir]);
  expect(res.code).toBe(0);
  expect(readdirSync(cacheDir)).toEqual([]);
  rmSync(join(project, ".venv"), { recursive: true, force: true });
  const sync = await lockstep([
    "sync",
    "--project",
    project,
    "--index-url",
    server.url,
    "--cache-dir",
    cacheDir,
    "--python",
    "python3",
  ]);
  expect(sync.code).toBe(0);
  expect(readdirSync(join(cacheDir, "archives-v1")).length).toBe(2);
});
