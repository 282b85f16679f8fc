/**
 * Syncing a project that is a package: lockstep builds it editable (PEP 660) in an isolated
 * environment whose build backend is itself a package on the index, resolved and installed by
 * lockstep (no pip anywhere), then installs the editable wheel into the project's venv.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { BACKEND_SOURCE, serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, run } from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
let server: IndexServer;
let entry: string;

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  server = await serveUniverse({
    name: "lockstep-cli-build-backend",
    packages: {
      "lockstep-test-backend": {
        versions: { "1.0": { sdist: false, files: { "lockstep_test_backend.py": BACKEND_SOURCE } } },
      },
    },
  });
}, 120_000);
afterAll(() => server.close());

test("the project is built editable with a backend fetched from the index, then imported", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-build-project-"));
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[build-system]",
      'requires = ["lockstep-test-backend>=1.0"]',
      'build-backend = "lockstep_test_backend"',
      "",
      "[project]",
      'name = "needs-backend"',
      'version = "0.3.0"',
      'requires-python = ">=3.9"',
      "dependencies = []",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "PKG-INFO"), "Metadata-Version: 2.2\nName: needs-backend\nVersion: 0.3.0\n");
  writeFileSync(join(dir, "needs_backend.py"), "VALUE = 3\n");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCKSTEP_CACHE_DIR: mkdtempSync(join(tmpdir(), "c-")),
    NO_COLOR: "1",
  };
  delete env.VIRTUAL_ENV;
  const sync = await run(process.execPath, [entry, "sync", "--python", PY312, "--index-url", server.url], {
    cwd: dir,
    env,
  });
  expect(sync.stderr).toContain("+ needs-backend==0.3.0");
  expect(sync.code, sync.stderr).toBe(0);
  expect(
    existsSync(join(dir, ".venv", "lib", "python3.12", "site-packages", "needs_backend-0.3.0.dist-info")),
  ).toBe(true);
  // The backend was only a build requirement: it is not in the project's venv.
  expect(
    existsSync(join(dir, ".venv", "lib", "python3.12", "site-packages", "lockstep_test_backend.py")),
  ).toBe(false);
  // Editable: a change to the source is seen without re-syncing.
  writeFileSync(join(dir, "needs_backend.py"), "VALUE = 4\n");
  const out = await run(
    process.execPath,
    [
      entry,
      "run",
      "--index-url",
      server.url,
      "--",
      "python",
      "-c",
      "import needs_backend; print(needs_backend.VALUE)",
    ],
    { cwd: dir, env },
  );
  expect(out.stdout.trim()).toBe("4");
  expect(server.count("/simple/lockstep-test-backend/")).toBeGreaterThan(0);
}, 180_000);
