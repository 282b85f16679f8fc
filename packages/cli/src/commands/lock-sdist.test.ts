/**
 * Locking through a source distribution whose metadata is dynamic (PEP 643): its dependencies are
 * not in PKG-INFO, so lockstep builds the metadata (PEP 517 `prepare_metadata_for_build_wheel`) with
 * an interpreter that satisfies the project, and locks what the build reports.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, run } from "../../testing";

let server: IndexServer;
let entry: string;

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  server = await serveUniverse({
    name: "lockstep-cli-dynamic-sdist",
    packages: {
      dyn: { versions: { "1.0": { wheels: false, dynamic: ["Requires-Dist"], requiresDist: ["beta>=2"] } } },
      beta: { versions: { "1.0": {}, "2.0": {} } },
    },
  });
}, 120_000);
afterAll(() => server.close());

test("a dynamic sdist's dependencies come from building its metadata", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-dyn-"));
  writeFileSync(
    join(dir, "pyproject.toml"),
    '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["dyn"]\n\n[tool.lockstep]\npackage = false\n',
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCKSTEP_CACHE_DIR: mkdtempSync(join(tmpdir(), "c-")),
    NO_COLOR: "1",
  };
  const res = await run(process.execPath, [entry, "lock", "--index-url", server.url], { cwd: dir, env });
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toContain("Resolved 2 packages in");
  const lock = readFileSync(join(dir, "pylock.toml"), "utf8");
  expect(lock).toMatch(/name = "beta"\nversion = "2.0"/);
  expect(lock).toMatch(/name = "dyn"\nversion = "1.0"/);
}, 180_000);
