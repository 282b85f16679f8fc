/**
 * Limits and a stalled index through the built CLI (issue 13), end to end: the bundle is spawned as
 * a user runs it, against the fixture index on 127.0.0.1. A stalled index with
 * `LOCKSTEP_HTTP_TIMEOUT=2` (through the settings layer) shows `waiting for 127.0.0.1:PORT…` and fails within the timeout (plus
 * process start) naming the host (before: 4 × 30 s with no output); `LOCKSTEP_MAX_ARCHIVE_ENTRIES`
 * makes `sync` refuse a wheel naming the file, the limit and the setting; an invalid value is a
 * usage error naming the variable; a link skipped on an index page is printed as `warning: …`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, run } from "../testing";
import { limitsFromArgs } from "./limits";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
let server: IndexServer;
let entry: string;

beforeAll(async () => {
  server = await serveUniverse({
    name: "cli-limits",
    packages: {
      alpha: {
        versions: { "1.0": { files: { "alpha/__init__.py": "", "alpha/a.py": "", "alpha/b.py": "" } } },
      },
    },
  });
  entry = (await buildBundle()).entry;
}, 120_000);
afterAll(() => server?.close());

function project(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "lockstep-cli-limits-")), "app");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "pyproject.toml"),
    '[project]\nname = "app"\nversion = "1.0"\nrequires-python = ">=3.12"\ndependencies = ["alpha"]\n[tool.lockstep]\npackage = false\n',
  );
  return dir;
}

function lockstep(args: string[], env: Record<string, string> = {}) {
  const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-cli-limits-cache-"));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.LOCKSTEP_PROJECT_ENVIRONMENT;
  delete childEnv.VIRTUAL_ENV;
  return run(process.execPath, [entry, ...args, "--index-url", server.url, "--cache-dir", cacheDir], {
    env: childEnv,
  });
}

test("a stalled index: 'waiting for <host>…', then a non-zero exit naming the host within the timeout", async () => {
  server.setOptions({ faults: [{ path: "/simple/alpha/", kind: "stall" }] });
  try {
    const started = Date.now();
    const res = await lockstep(["lock", "--project", project()], { LOCKSTEP_HTTP_TIMEOUT: "2" });
    const elapsed = Date.now() - started;
    const host = `127.0.0.1:${server.port}`;
    expect(res.code, res.stderr).not.toBe(0);
    expect(res.stderr).toContain(`waiting for ${host}…\n`);
    expect(res.stderr.split(`waiting for ${host}`).length).toBe(2);
    expect(res.stderr).toContain(
      `${host} stopped answering: nothing received for 2 s from ${server.url}/alpha/`,
    );
    expect(res.stderr.indexOf("waiting for")).toBeLessThan(res.stderr.indexOf("stopped answering"));
    // 2 s of silence, no retry, plus starting Node and loading the bundle on a loaded machine.
    expect(elapsed).toBeLessThan(2000 + 8000);
    expect(server.count("/simple/alpha/")).toBe(1);
  } finally {
    server.setOptions({ faults: [] });
  }
});

test("LOCKSTEP_MAX_ARCHIVE_ENTRIES makes sync refuse the wheel, naming the file, the limit and the setting", async () => {
  const res = await lockstep(["sync", "--project", project(), "--python", PY312], {
    LOCKSTEP_MAX_ARCHIVE_ENTRIES: "4",
  });
  expect(res.code, res.stderr).not.toBe(0);
  expect(res.stderr).toMatch(
    /The archive alpha-1\.0-py3-none-any\.whl has \d+ entries, more than the limit of 4\n/,
  );
  expect(res.stderr).toContain(
    "hint: refused by the limit max-archive-entries; nothing from it was kept. If the archive is trusted, raise it: `max-archive-entries = …` in [tool.lockstep] or LOCKSTEP_MAX_ARCHIVE_ENTRIES",
  );
});

test("an invalid LOCKSTEP_ limit is a usage error naming the variable", async () => {
  const res = await lockstep(["lock", "--project", project()], { LOCKSTEP_MAX_ARCHIVE_SIZE: "8 gigabytes" });
  expect(res.code).not.toBe(0);
  expect(res.stderr).toContain(
    'LOCKSTEP_MAX_ARCHIVE_SIZE: "8 gigabytes" is not a positive number of bytes or a size such as "512MiB" or "8GiB"',
  );
});

test("a link skipped on the index page is printed as a warning", async () => {
  server.setOptions({
    faults: [
      {
        path: "/simple/alpha/",
        kind: "raw",
        status: 200,
        headers: { "content-type": "text/html" },
        body: '<a href="../../files/alpha-1.0-py3-none-any.whl">ok</a><a href="../../files/%E0%A4%A-1.0-py3-none-any.whl">bad</a>',
      },
    ],
  });
  try {
    const res = await lockstep(["lock", "--project", project()]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      `warning: Skipping the link "../../files/%E0%A4%A-1.0-py3-none-any.whl" on ${server.url}/alpha/: `,
    );
  } finally {
    server.setOptions({ faults: [] });
  }
});

test.each([
  [
    { "http-timeout": 0.5, "max-archive-size": 8 * 1024 ** 3, upgrade: true },
    { httpTimeout: 0.5, maxArchiveSize: 8 * 1024 ** 3 },
  ],
  [{ "max-download-size": undefined, "http-connect-timeout": 3 }, { httpConnectTimeout: 3 }],
])("limitsFromArgs(%j)", (args, limits) => {
  expect(limitsFromArgs(args)).toEqual(limits);
});
