/**
 * `tree`, `why` and `export` through the built CLI over one version on two indexes split by marker
 * (`torchlike` 1.0 from `cpu` on Linux, from `cu` on Windows, each with its own `helper`): tree shows
 * each twin once with its marker and its own dependency, why gives each twin its chain, export writes
 * each twin under its marker with its own hashes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, run } from "../../testing";

let cpu: IndexServer;
let cu: IndexServer;
let main: IndexServer;
let entry: string;
let base: string;
let dir: string;
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
delete env.VIRTUAL_ENV;

const lockstep = (...args: string[]) => run(process.execPath, [entry, ...args], { cwd: dir, env });

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  cpu = await serveUniverse({
    name: "lockstep-cli-twintree-cpu",
    packages: { torchlike: { versions: { "1.0": { requiresDist: ["helper<2"] } } } },
  });
  cu = await serveUniverse({
    name: "lockstep-cli-twintree-cu",
    packages: { torchlike: { versions: { "1.0": { requiresDist: ["helper>=2"] } } } },
  });
  main = await serveUniverse({
    name: "lockstep-cli-twintree-main",
    packages: {
      torchlike: { versions: { "3.0": {} } },
      helper: { versions: { "1.0": {}, "2.0": {} } },
      vision: { versions: { "1.0": { requiresDist: ["torchlike"] } } },
    },
  });
  base = mkdtempSync(join(tmpdir(), "lockstep-twintree-"));
  env.LOCKSTEP_CACHE_DIR = join(base, "cache");
  dir = join(base, "twin");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[project]",
      'name = "twin"',
      'version = "0.1.0"',
      'requires-python = ">=3.9"',
      'dependencies = ["vision"]',
      "",
      "[[tool.lockstep.index]]",
      'name = "cpu"',
      `url = "${cpu.url}"`,
      "explicit = true",
      "",
      "[[tool.lockstep.index]]",
      'name = "cu"',
      `url = "${cu.url}"`,
      "explicit = true",
      "",
      "[tool.lockstep.sources]",
      "torchlike = [",
      '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
      '  { index = "cu", marker = "sys_platform == \'win32\'" },',
      "]",
      "",
    ].join("\n"),
  );
  const lock = await lockstep("lock", "--index-url", main.url);
  if (lock.code !== 0) throw new Error(lock.stderr);
}, 180_000);
afterAll(async () => {
  await Promise.all([cpu?.close(), cu?.close(), main?.close()]);
  if (base) rmSync(base, { recursive: true, force: true });
});

describe("twins (one version, two indexes) in tree, why, export", () => {
  test.each([
    [
      ["tree"],
      [
        "twin v0.1.0",
        "└── vision v1.0",
        "    ├── torchlike v1.0 (marker: sys_platform == 'linux')",
        "    │   └── helper v1.0",
        "    ├── torchlike v1.0 (marker: sys_platform == 'win32')",
        "    │   └── helper v2.0",
        "    └── torchlike v3.0",
      ],
    ],
    [
      ["tree", "--invert", "--package", "helper"],
      [
        "helper v1.0",
        "└── torchlike v1.0 (marker: sys_platform == 'linux')",
        "    └── vision v1.0",
        "        └── twin v0.1.0",
        "helper v2.0",
        "└── torchlike v1.0 (marker: sys_platform == 'win32')",
        "    └── vision v1.0 (*)",
        "(*) Package tree already displayed",
      ],
    ],
    [
      ["why", "helper"],
      [
        "helper v1.0, v2.0",
        "twin → vision → torchlike [entry: sys_platform == 'linux'] → helper<2",
        "twin → vision → torchlike [entry: sys_platform == 'win32'] → helper>=2",
      ],
    ],
    [
      ["export", "--no-hashes"],
      [
        "helper==1.0 ; sys_platform == 'linux'",
        "helper==2.0 ; sys_platform == 'win32'",
        "torchlike==1.0 ; sys_platform == 'linux'",
        "torchlike==1.0 ; sys_platform == 'win32'",
        "torchlike==3.0 ; sys_platform != 'linux' and sys_platform != 'win32'",
        "vision==1.0",
      ],
    ],
  ])(
    "lockstep %j",
    async (args, lines) => {
      const res = await lockstep(...args);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("#"))).toEqual(lines);
    },
    60_000,
  );

  test("export with hashes: each twin has its own index's file hash", async () => {
    const res = await lockstep("export");
    expect(res.code, res.stderr).toBe(0);
    const blocks = res.stdout.split(/\n(?=\S)/).filter((b) => b.startsWith("torchlike==1.0"));
    const hashes = blocks.map((b) => [...b.matchAll(/--hash=sha256:([0-9a-f]{64})/g)].map((m) => m[1]));
    expect(hashes.map((h) => h.length)).toEqual([2, 2]); // the sdist and the wheel
    expect(hashes[0]).not.toEqual(hashes[1]);
  }, 60_000);
});
