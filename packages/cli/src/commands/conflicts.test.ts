/**
 * Declared conflicts through the real CLI: `lockstep lock` of a project whose extras `cpu` and
 * `cu128` pin different versions of one package fails until `[tool.lockstep] conflicts` declares
 * them; then `sync --extra cpu` / `--extra cu128` install the matching version, and asking for both
 * is refused with exit code 1 and nothing installed or removed.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, installedDistributions, run } from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
let server: IndexServer;
let entry: string;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  LOCKSTEP_CACHE_DIR: mkdtempSync(join(tmpdir(), "lockstep-cli-conflicts-cache-")),
  NO_COLOR: "1",
};
delete env.VIRTUAL_ENV;
delete env.LOCKSTEP_PROJECT_ENVIRONMENT;

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  server = await serveUniverse({
    name: "lockstep-cli-conflicts",
    packages: { torchlike: { versions: { "1.0": {}, "2.0": {} } } },
  });
}, 120_000);
afterAll(() => server?.close());

const PYPROJECT = [
  "[project]",
  'name = "app"',
  'version = "0.1.0"',
  'requires-python = ">=3.12"',
  "dependencies = []",
  "[project.optional-dependencies]",
  'cpu = ["torchlike==1.0"]',
  'cu128 = ["torchlike==2.0"]',
  "",
].join("\n");

test("lock fails without conflicts, succeeds with them; sync installs per extra and refuses both", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-cli-conflicts-"));
  writeFileSync(join(dir, "pyproject.toml"), PYPROJECT);
  const lockstep = (...args: string[]) => run(process.execPath, [entry, ...args], { cwd: dir, env });

  const failed = await lockstep("lock", "--index-url", server.url);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain("app[cpu] depends on torchlike==1.0");
  expect(failed.stderr).toContain('conflicts = [[{ extra = "cpu" }, { extra = "cu128" }]]');

  writeFileSync(
    join(dir, "pyproject.toml"),
    `${PYPROJECT}[tool.lockstep]\nconflicts = [[{ extra = "cpu" }, { extra = "cu128" }]]\n`,
  );
  const locked = await lockstep("lock", "--index-url", server.url);
  expect(locked.stderr).toMatch(/^Resolved 2 packages in /);
  expect(locked.code).toBe(0);
  const lock = readFileSync(join(dir, "pylock.toml"), "utf8");
  expect(lock).toContain(`marker = "'cpu' in extras and 'cu128' not in extras"`);
  expect(lock).toContain(`marker = "'cpu' not in extras and 'cu128' in extras"`);
  expect(lock).toContain('conflicts = ["extra:cpu, extra:cu128"]');

  const site = join(dir, ".venv", "lib", "python3.12", "site-packages");
  for (const [extra, version] of [
    ["cpu", "1.0"],
    ["cu128", "2.0"],
  ] as const) {
    const synced = await lockstep(
      "sync",
      "--locked",
      "--python",
      PY312,
      "--index-url",
      server.url,
      "--extra",
      extra,
    );
    expect(synced.stderr).toContain(`+ torchlike==${version}`);
    expect(synced.code).toBe(0);
    expect(installedDistributions(site)).toEqual([`torchlike==${version}`]);
  }

  const refused = await lockstep(
    "sync",
    "--locked",
    "--python",
    PY312,
    "--index-url",
    server.url,
    "--extra",
    "cpu",
    "--extra",
    "cu128",
  );
  expect(refused.stderr.replace(/in [\d.]+m?s/, "in <time>")).toMatchInlineSnapshot(`
    "Resolved 2 packages in <time>
    error: The extras \`cpu\` and \`cu128\` are declared as conflicting in pyproject.toml (\`[tool.lockstep] conflicts\`) and cannot be installed together
      hint: select one of them: \`--extra cpu\` or \`--extra cu128\`
    "
  `);
  expect(refused.code).toBe(1);
  expect(installedDistributions(site)).toEqual(["torchlike==2.0"]);
  expect(existsSync(join(dir, "pylock.toml"))).toBe(true);
}, 120_000);
