/**
 * Credentials in index URLs are used, never persisted or printed (issue 13): a lock and a sync made
 * with `--index-url http://user:secret@127.0.0.1:PORT/simple` leave no `secret` in pylock.toml or
 * `.venv/.lockstep-sync.json`; the lock stays fresh when only the password changes (the staleness
 * check compares redacted URLs); `lock --check` against another index names both URLs without
 * credentials; an error about the index names it without them. The fixture index ignores
 * credentials, so any password is accepted. The CLI runs in-process (`main`), with its own cache.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { copyExampleApp, EXAMPLE_UNIVERSE } from "../../testing";
import { main } from "../run-cli";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-credentials-cache-"));
let server: IndexServer;
let project: string;
let withSecret: string;

async function lockstep(argv: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const sink = (t: string) => void (out += t);
  const code = await main([...argv, "--project", project, "--cache-dir", cacheDir], {
    stdout: sink,
    stderr: sink,
  });
  return { code, out };
}

beforeAll(async () => {
  delete process.env.LOCKSTEP_PROJECT_ENVIRONMENT;
  server = await startIndexServer(await buildUniverse(loadUniverseFile(EXAMPLE_UNIVERSE)));
  withSecret = server.url.replace("http://", "http://user:secret@");
  project = copyExampleApp();
});
afterAll(() => server?.close());

test("lock and sync with a password in the index URL persist no secret", async () => {
  const lock = await lockstep(["lock", "--index-url", withSecret]);
  expect(lock.code, lock.out).toBe(0);
  const pylock = readFileSync(join(project, "pylock.toml"), "utf8");
  expect(pylock).toContain(`indexes = [\n    { url = "${server.url}" },\n]`);
  expect(pylock).not.toContain("secret");
  expect(pylock).not.toContain("user:");

  const sync = await lockstep(["sync", "--index-url", withSecret, "--python", PY312]);
  expect(sync.code, sync.out).toBe(0);
  const state = readFileSync(join(project, ".venv", ".lockstep-sync.json"), "utf8");
  expect(state).toContain(server.url);
  expect(state).not.toContain("secret");
  expect(lock.out + sync.out).not.toContain("secret");
});

test("the lock is fresh for the same index with another password, and nothing is printed with it", async () => {
  const other = withSecret.replace("secret", "secret2");
  expect(await lockstep(["lock", "--check", "--index-url", other])).toEqual({
    code: 0,
    out: expect.stringMatching(/^Resolved 20 packages in [\d.]+m?s\n$/) as unknown as string,
  });
});

test("lock --check against another index names both without credentials", async () => {
  const elsewhere = "http://user:secret@localhost:9/simple";
  const res = await lockstep(["lock", "--check", "--index-url", elsewhere]);
  expect(res.code).toBe(3); // the lock is out of date
  expect(res.out).toContain(`indexes changed from [${server.url}] to [http://localhost:9/simple]`);
  expect(res.out).not.toContain("secret");
});

test("an index error names the index without credentials", async () => {
  const res = await lockstep([
    "lock",
    "--upgrade",
    "--offline",
    "--index-url",
    "http://user:secret@localhost:9/simple",
  ]);
  expect(res.code).toBe(1);
  expect(res.out).toContain("http://localhost:9/simple");
  expect(res.out).not.toContain("secret");
});
