/**
 * The direct lane (direct.ts: a plain `lock`/`sync` with work to do, run without yargs) must answer
 * exactly as the full parser does: for each situation, both lanes run in this process from the same
 * starting state (the example app from a loopback index, warm cache) and must give the same exit
 * code, the same stderr (durations aside) and the same files (pylock.toml, the venv's packages).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { copyExampleApp, declareFixtureIndex, EXAMPLE_UNIVERSE } from "../testing";
import { runDirect } from "./direct";
import type { Output } from "./output";
import { main } from "./run-cli";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-direct-cache-"));
const cleanEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", LOCKSTEP_CACHE_DIR: cacheDir };
for (const k of Object.keys(cleanEnv))
  if ((k.startsWith("LOCKSTEP_") && k !== "LOCKSTEP_CACHE_DIR") || k === "VIRTUAL_ENV") delete cleanEnv[k];
const startDir = process.cwd();

let server: IndexServer;
let project: string;

// eslint-disable-next-line no-control-regex -- a dimmed duration ends in an escape sequence
const normal = (s: string) => s.replace(/ in [\d.]+m?s(\x1b\[22m)?/g, " in <t>$1");

/** Run one lane with this environment and cwd (both restored); its exit code and normalised output. */
async function lane(
  which: "direct" | "full",
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out: Output = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
  process.chdir(cwd);
  try {
    const code = which === "direct" ? await runDirect(argv, out) : await main(argv, out);
    return { code, stdout: normal(stdout), stderr: normal(stderr) };
  } finally {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
    process.chdir(startDir);
  }
}

/** What a run leaves behind that a user sees: the lock file and the venv's distributions. */
function written(): { lock: string | undefined; venv: string[] | undefined } {
  const lock = join(project, "pylock.toml");
  const site = join(project, ".venv", "lib", "python3.12", "site-packages");
  return {
    lock: existsSync(lock) ? readFileSync(lock, "utf8") : undefined,
    venv: existsSync(site)
      ? readdirSync(site)
          .filter((n) => n.endsWith(".dist-info"))
          .sort()
      : undefined,
  };
}

beforeAll(async () => {
  const built = await buildUniverse(loadUniverseFile(EXAMPLE_UNIVERSE));
  server = await startIndexServer(built);
  project = copyExampleApp();
  declareFixtureIndex(project, server.url);
  writeFileSync(join(project, ".python-version"), "3.12\n");
  const first = await lane("full", ["sync", "--python", PY312], cleanEnv, project);
  expect(first.code, first.stderr).toBe(0);
});

afterAll(async () => {
  await server?.close();
});

const dropLock = () => rmSync(join(project, "pylock.toml"), { force: true });
const dropVenv = () => rmSync(join(project, ".venv"), { recursive: true, force: true });

test.each<{ name: string; argv: string[]; before: () => void; env?: NodeJS.ProcessEnv; shows: string }>([
  { name: "lock with the lock file deleted", argv: ["lock"], before: dropLock, shows: "Resolved" },
  { name: "lock -q, lock file deleted", argv: ["-q", "lock"], before: dropLock, shows: "" },
  {
    name: "lock --no-progress with the index from LOCKSTEP_INDEX_URL",
    argv: ["lock", "--no-progress"],
    env: { LOCKSTEP_INDEX_URL: "<server>" },
    before: dropLock,
    shows: "Resolved",
  },
  {
    name: "lock under FORCE_COLOR",
    argv: ["lock"],
    env: { NO_COLOR: "", FORCE_COLOR: "1" },
    before: dropLock,
    shows: "\x1b[1m",
  },
  { name: "sync into a deleted venv", argv: ["sync"], before: dropVenv, shows: "Installed" },
  { name: "sync --no-dev, venv deleted", argv: ["sync", "--no-dev"], before: dropVenv, shows: "Installed" },
  {
    name: "sync --frozen, lock deleted: an error",
    argv: ["sync", "--frozen"],
    before: dropLock,
    shows: "error:",
  },
  {
    name: "sync --locked, lock deleted: an error",
    argv: ["sync", "--locked"],
    before: dropLock,
    shows: "error:",
  },
  {
    name: "lock with a user config file (which the fast path declines)",
    argv: ["lock"],
    env: { XDG_CONFIG_HOME: "<config>" },
    before: dropLock,
    shows: "Resolved",
  },
  {
    name: "lock with an unreadable setting (LOCKSTEP_RESOLUTION)",
    argv: ["lock"],
    env: { LOCKSTEP_RESOLUTION: "sideways" },
    before: dropLock,
    shows: "error:",
  },
])("$name: as the full parser", async (s) => {
  const env = { ...cleanEnv, ...s.env };
  if (env.LOCKSTEP_INDEX_URL === "<server>") env.LOCKSTEP_INDEX_URL = server.url;
  if (env.XDG_CONFIG_HOME === "<config>") {
    env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), "lockstep-direct-xdg-"));
    mkdirSync(join(env.XDG_CONFIG_HOME, "lockstep"));
    writeFileSync(join(env.XDG_CONFIG_HOME, "lockstep", "lockstep.toml"), 'resolution = "lowest-direct"\n');
  }
  s.before();
  const direct = await lane("direct", s.argv, env, project);
  const directFiles = written();
  s.before();
  const full = await lane("full", s.argv, env, project);
  expect(direct).toEqual(full);
  expect(directFiles).toEqual(written());
  expect(direct.stderr).toContain(s.shows);
  // Back to a locked, synced project for the next situation.
  expect((await lane("full", ["sync"], cleanEnv, project)).code).toBe(0);
});
