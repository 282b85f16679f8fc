/**
 * The pre-yargs fast path must never answer differently from the full parser: for each situation,
 * the fast path either declines or gives the same exit code and the same stderr (durations aside)
 * as `main` (run-cli) gives for the same argv, cwd and environment. Both run in this process (the
 * pool is forks, so chdir is allowed) against the example app synced from a loopback index.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { copyExampleApp, declareFixtureIndex, EXAMPLE_UNIVERSE } from "../testing";
import { SETTINGS } from "@lockstep/project/settings";
import { envFolded, envMatters, fastPath, plainInvocation } from "./fast-path";
import type { Output } from "./output";
import { main } from "./run-cli";
import { VERSION } from "./version";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-fast-cache-"));
const cleanEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
for (const k of Object.keys(cleanEnv))
  if (k.startsWith("LOCKSTEP_") || k === "VIRTUAL_ENV") delete cleanEnv[k];
const startDir = process.cwd();

let server: IndexServer;
let project: string;

function capture(): { out: Output; text: () => string } {
  let text = "";
  return { out: { stdout: (t) => (text += t), stderr: (t) => (text += t) }, text: () => text };
}

// eslint-disable-next-line no-control-regex -- a dimmed duration ends in an escape sequence
const normal = (s: string) => s.replace(/ in [\d.]+m?s(\x1b\[22m)?\n/g, " in <t>$1\n");

/** Run `fn` with this environment and cwd, restoring both. */
async function within<T>(env: NodeJS.ProcessEnv, cwd: string, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
  process.chdir(cwd);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
    process.chdir(startDir);
  }
}

async function full(argv: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const c = capture();
  const code = await within(env, cwd, () => main(argv, c.out));
  return { code, stderr: normal(c.text()) };
}

async function fast(argv: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const c = capture();
  const code = await within(env, cwd, () => fastPath(argv, VERSION, c.out, process.env));
  return code === undefined ? undefined : { code, stderr: normal(c.text()) };
}

const baseEnv = (): NodeJS.ProcessEnv => ({ ...cleanEnv, LOCKSTEP_CACHE_DIR: cacheDir });

beforeAll(async () => {
  const built = await buildUniverse(loadUniverseFile(EXAMPLE_UNIVERSE));
  server = await startIndexServer(built);
  project = copyExampleApp();
  declareFixtureIndex(project, server.url);
  writeFileSync(join(project, ".python-version"), "3.12\n");
  const first = await full(["sync", "--python", PY312], baseEnv(), project);
  expect(first.code, first.stderr).toBe(0);
  // A plain sync records the plain key (the first one recorded --python's).
  expect((await full(["sync"], baseEnv(), project)).code).toBe(0);
});

afterAll(async () => {
  await server?.close();
});

type Situation = {
  name: string;
  argv: string[];
  /** A full-path command run first (e.g. a sync with the flags the situation then repeats). */
  prepare?: string[];
  /** What to change first; returns the undo. */
  change?: () => () => void;
  env?: NodeJS.ProcessEnv;
  cwd?: () => string;
  /** Text the answer must hold (so that an equality with the full path is not a vacuous one). */
  shows?: string;
  /** Whether the fast path must answer (true) or must decline (false). */
  answers: boolean;
};

const editFile = (rel: string, extra: string) => () => {
  const path = join(project, rel);
  const before = readFileSync(path);
  writeFileSync(path, Buffer.concat([before, Buffer.from(extra)]));
  return () => writeFileSync(path, before);
};

const situations: Situation[] = [
  { name: "fresh", argv: ["sync"], answers: true },
  {
    name: "fresh, -q before the command, --no-progress after",
    argv: ["-q", "sync", "--no-progress"],
    answers: true,
  },
  {
    name: "a different cwd inside the project",
    argv: ["sync"],
    cwd: () => join(project, "example_app"),
    answers: true,
  },
  {
    name: "run python in the synced venv",
    argv: ["run", "python", "-c", "import sys; sys.exit(3)"],
    answers: true,
  },
  { name: "run a command that does not exist", argv: ["run", "no-such-command-xyz"], answers: true },
  { name: "lock edited", argv: ["sync"], change: editFile("pylock.toml", "\n# edited\n"), answers: false },
  {
    name: "pyproject edited",
    argv: ["sync"],
    change: editFile("pyproject.toml", "\n# edited\n"),
    answers: false,
  },
  {
    name: "LOCKSTEP_INDEX_URL set",
    argv: ["sync"],
    env: { LOCKSTEP_INDEX_URL: "http://127.0.0.1:9/simple" },
    answers: false,
  },
  {
    name: "LOCKSTEP_INDEX_URL set as the venv was synced with",
    prepare: ["sync"],
    env: { LOCKSTEP_INDEX_URL: "<server>" },
    argv: ["sync"],
    answers: true,
  },
  {
    name: "settings that are not in the key (LOCKSTEP_LINK_MODE, LOCKSTEP_NO_PROGRESS, LOCKSTEP_OFFLINE)",
    argv: ["sync"],
    env: { LOCKSTEP_LINK_MODE: "copy", LOCKSTEP_NO_PROGRESS: "1", LOCKSTEP_OFFLINE: "1" },
    answers: true,
  },
  {
    name: "LOCKSTEP_PYTHON the venv was not synced with",
    argv: ["sync"],
    env: { LOCKSTEP_PYTHON: PY312 },
    answers: false,
  },
  {
    name: "LOCKSTEP_PYTHON after a sync with it",
    prepare: ["sync"],
    argv: ["run", "python", "-c", "import sys; sys.exit(5)"],
    env: { LOCKSTEP_PYTHON: PY312 },
    answers: true,
  },
  { name: "an invalid setting", argv: ["sync"], env: { LOCKSTEP_RESOLUTION: "sideways" }, answers: false },
  { name: "an empty setting", argv: ["sync"], env: { LOCKSTEP_INDEX_URL: "" }, answers: false },
  {
    name: "a limit setting (LOCKSTEP_HTTP_TIMEOUT)",
    argv: ["sync"],
    env: { LOCKSTEP_HTTP_TIMEOUT: "5" },
    answers: true,
  },
  {
    name: "a variable that is not a setting (LOCKSTEP_CONNECT_TIMEOUT)",
    argv: ["sync"],
    env: { LOCKSTEP_CONNECT_TIMEOUT: "5" },
    answers: false,
  },
  {
    name: "LOCKSTEP_PROJECT_ENVIRONMENT names a venv that was never synced",
    argv: ["sync"],
    env: { LOCKSTEP_PROJECT_ENVIRONMENT: ".venv-other" },
    answers: false,
  },
  {
    name: "LOCKSTEP_PROJECT_ENVIRONMENT after a sync into it",
    prepare: ["sync"],
    argv: ["sync"],
    env: { LOCKSTEP_PROJECT_ENVIRONMENT: ".venv-other" },
    answers: true,
  },
  {
    name: "a variable lockstep does not read",
    argv: ["sync"],
    env: { LOCKSTEP_BENCH_RUNS: "3" },
    answers: true,
  },
  {
    name: "LOCKSTEP_CACHE_DIR is a file",
    argv: ["sync"],
    env: { LOCKSTEP_CACHE_DIR: "<file>" },
    answers: false,
  },

  {
    name: "--index-url not recorded in the key",
    argv: ["sync", "--index-url", "http://127.0.0.1:9/simple"],
    answers: false,
  },
  {
    name: "FORCE_COLOR (sync's lines are plain)",
    argv: ["sync"],
    env: { NO_COLOR: "", FORCE_COLOR: "1" },
    answers: true,
  },
  { name: "a flag the fast path does not take", argv: ["sync", "--dry-run"], answers: false },
  { name: "--frozen, fresh", argv: ["sync", "--frozen"], answers: true },
  {
    name: "--frozen, pyproject edited (not compared)",
    argv: ["sync", "--frozen"],
    change: editFile("pyproject.toml", "\n# edited\n"),
    answers: true,
  },
  { name: "--locked, fresh", argv: ["sync", "--locked", "-q"], answers: true },
  { name: "--extra the venv was not synced with", argv: ["sync", "--extra", "speedups"], answers: false },
  {
    name: "--extra again after a sync with it",
    prepare: ["sync", "--extra", "speedups"],
    argv: ["sync", "--extra=speedups"],
    answers: true,
  },
  {
    name: "--no-dev --frozen after a sync with them (another order)",
    prepare: ["sync", "--frozen", "--no-dev"],
    argv: ["sync", "--no-dev", "--frozen"],
    answers: true,
  },
  {
    name: "--all-extras after a sync with --extra",
    prepare: ["sync", "--extra", "speedups"],
    argv: ["sync", "--all-extras"],
    answers: false,
  },
  { name: "--python the venv was not synced with", argv: ["sync", "--python", PY312], answers: false },
  {
    name: "--python again, .python-version edited (not compared)",
    prepare: ["sync", "--python", PY312],
    argv: ["sync", "-p", PY312],
    change: editFile(".python-version", "\n"),
    answers: true,
  },
  {
    name: "run with --extra after a sync with it",
    prepare: ["sync", "--extra", "speedups"],
    argv: ["run", "--extra", "speedups", "python", "-c", "import sys; sys.exit(4)"],
    answers: true,
  },
  {
    name: "user config present",
    argv: ["sync"],
    env: { XDG_CONFIG_HOME: "<config>" },
    answers: false,
  },
  {
    name: "a venv file removed",
    argv: ["sync"],
    change: () => {
      const site = join(project, ".venv", "lib", "python3.12", "site-packages");
      const from = join(site, "sixer-1.16.0.dist-info");
      renameSync(from, `${from}.moved`);
      // The full path reinstalls it; the moved copy is then only litter.
      return () => rmSync(`${from}.moved`, { recursive: true, force: true });
    },
    answers: false,
  },
];

describe("the fast path answers as the full path does, or declines", () => {
  test.each(situations)("$name", async (s) => {
    let env: NodeJS.ProcessEnv = { ...baseEnv(), ...s.env };
    if (env.XDG_CONFIG_HOME === "<config>") {
      const dir = mkdtempSync(join(tmpdir(), "lockstep-xdg-"));
      mkdirSync(join(dir, "lockstep"));
      writeFileSync(join(dir, "lockstep", "lockstep.toml"), "no-progress = true\n");
      env = { ...env, XDG_CONFIG_HOME: dir };
    }
    if (env.LOCKSTEP_CACHE_DIR === "<file>") env.LOCKSTEP_CACHE_DIR = join(project, "pyproject.toml");
    if (env.LOCKSTEP_INDEX_URL === "<server>") env.LOCKSTEP_INDEX_URL = server.url;
    const cwd = s.cwd?.() ?? project;
    if (s.prepare) expect((await full(s.prepare, env, cwd)).code).toBe(0);
    const undo = s.change?.();
    try {
      const answer = await fast(s.argv, env, cwd);
      expect(answer !== undefined).toBe(s.answers);
      // The full path in the same situation (it may repair the venv, so it runs second).
      const expected = await full(s.argv, env, cwd);
      if (answer) expect(answer).toEqual(expected);
    } finally {
      undo?.();
    }
    // Back to a synced venv for the next situation.
    expect((await full(["sync"], baseEnv(), project)).code).toBe(0);
  });
});

const lockSituations: Situation[] = [
  { name: "lock: up to date", argv: ["lock"], answers: true },
  { name: "lock: -q", argv: ["-q", "lock"], answers: true },
  {
    name: "lock: FORCE_COLOR (a bold headline, the duration dimmed)",
    argv: ["lock"],
    env: { NO_COLOR: "", FORCE_COLOR: "1" },
    shows: "\x1b[1mResolved 20 packages\x1b[22m\x1b[2m in <t>\x1b[22m\n",
    answers: true,
  },
  {
    name: "lock: a different cwd inside the project",
    argv: ["lock"],
    cwd: () => join(project, "example_app"),
    answers: true,
  },
  {
    name: "lock: pyproject edited",
    argv: ["lock"],
    change: editFile("pyproject.toml", "\n# x\n"),
    answers: false,
  },
  { name: "lock: lock edited", argv: ["lock"], change: editFile("pylock.toml", "\n# x\n"), answers: false },
  {
    name: "lock: .python-version edited",
    argv: ["lock"],
    change: editFile(".python-version", "\n"),
    answers: false,
  },
  {
    name: "lock: LOCKSTEP_INDEX_URL set",
    argv: ["lock"],
    env: { LOCKSTEP_INDEX_URL: "http://127.0.0.1:9/simple" },
    answers: false,
  },
  {
    name: "lock: --index-url not recorded in the key",
    argv: ["lock", "--index-url", "http://127.0.0.1:9/simple"],
    answers: false,
  },
  { name: "lock: user config present", argv: ["lock"], env: { XDG_CONFIG_HOME: "<config>" }, answers: false },
  { name: "lock: --upgrade", argv: ["lock", "--upgrade"], answers: false },
  {
    name: "lock: a setting that changes nothing it prints (LOCKSTEP_NO_PROGRESS)",
    argv: ["lock"],
    env: { LOCKSTEP_NO_PROGRESS: "1" },
    answers: true,
  },
  {
    name: "lock: LOCKSTEP_OFFLINE (in the key)",
    argv: ["lock"],
    env: { LOCKSTEP_OFFLINE: "1" },
    answers: false,
  },
  {
    name: "lock: LOCKSTEP_PYTHON (not in its key)",
    argv: ["lock"],
    env: { LOCKSTEP_PYTHON: "3.12" },
    answers: false,
  },
  {
    name: "lock: LOCKSTEP_PROJECT_ENVIRONMENT",
    argv: ["lock"],
    env: { LOCKSTEP_PROJECT_ENVIRONMENT: ".venv" },
    answers: false,
  },
];

describe("an up-to-date lock: the fast path answers as the full path does, or declines", () => {
  test.each(lockSituations)("$name", async (s) => {
    // The full path records the lock's state when it finds it fresh.
    expect((await full(["lock"], baseEnv(), project)).code).toBe(0);
    let env: NodeJS.ProcessEnv = { ...baseEnv(), ...s.env };
    if (env.XDG_CONFIG_HOME === "<config>") {
      const dir = mkdtempSync(join(tmpdir(), "lockstep-xdg-"));
      mkdirSync(join(dir, "lockstep"));
      writeFileSync(join(dir, "lockstep", "lockstep.toml"), "no-progress = true\n");
      env = { ...env, XDG_CONFIG_HOME: dir };
    }
    const cwd = s.cwd?.() ?? project;
    const undo = s.change?.();
    try {
      const answer = await fast(s.argv, env, cwd);
      expect(answer !== undefined).toBe(s.answers);
      const expected = await full(s.argv, env, cwd);
      if (answer) expect(answer).toEqual(expected);
      if (s.shows) expect(answer?.stderr).toBe(s.shows);
    } finally {
      undo?.();
    }
  });

  test("without a recorded state (a fresh cache dir) the fast path declines", async () => {
    const env = { ...baseEnv(), LOCKSTEP_CACHE_DIR: mkdtempSync(join(tmpdir(), "lockstep-empty-cache-")) };
    expect(await fast(["lock"], env, project)).toBeUndefined();
  });
});

test.each([
  [["sync"], "sync"],
  [["-q", "run", "--", "ls", "-l"], "run ls -l"],
  [["run", "--no-progress", "pytest", "-x"], "run pytest -x"],
  [["run", "script.py"], undefined],
  [["run", "-m", "pytest"], undefined],
  [["--directory", "x", "sync"], undefined],
  [["sync", "--extra", "a", "--frozen", "-p", "3.12"], "sync"],
  [["sync", "--extra"], undefined],
  [["sync", "--frozen", "--frozen"], undefined],
  [["sync", "--frozen", "--locked"], undefined],
  [["sync", "--only-group", "g", "--extra", "a"], undefined],
  [["sync", "--python", "3.12", "--python", "3.11"], undefined],
  [["sync", "--frozen=true"], undefined],
  [["run", "--extra", "a", "python", "-V"], "run python -V"],
  [["lock", "--extra", "a"], undefined],
  [["sync", "-i"], undefined],
  [["lock"], "lock"],
  [["lock", "--check"], undefined],
])("plainInvocation(%j) → %s", (argv, expected) => {
  const p = plainInvocation(argv);
  expect(p && [p.command, ...p.run].join(" ")).toBe(expected);
});

test.each([
  [["run", "python"], true],
  [["run", "--inexact", "python"], true],
  [["run", "--exact", "python"], false],
  [["sync"], undefined],
  [["sync", "--inexact"], true],
])("%j syncs inexactly: %s (run is inexact unless --exact, as the full path's run.ts)", (argv, inexact) => {
  expect(plainInvocation(argv)?.args.inexact).toBe(inexact);
});

test.each([
  [["run", "--exact", "--inexact", "python"]],
  [["sync", "--exact"]],
  [["run", "--exact", "--exact", "x"]],
])("%j is the parser's to judge", (argv) => {
  expect(plainInvocation(argv)).toBeUndefined();
});

const settingKeys = new Map(SETTINGS.map((s) => [s.env, s.key as string]));
test.each([
  ["LOCKSTEP_INDEX_URL", "sync", true],
  ["LOCKSTEP_INDEX_URL", "lock", true],
  ["LOCKSTEP_PYTHON", "run", true],
  ["LOCKSTEP_PYTHON", "lock", false],
  ["LOCKSTEP_LINK_MODE", "lock", false],
  ["LOCKSTEP_CACHE_DIR", "lock", true],
  ["LOCKSTEP_PROJECT_ENVIRONMENT", "sync", true],
  ["LOCKSTEP_PROJECT_ENVIRONMENT", "lock", false],
  ["LOCKSTEP_HTTP_TIMEOUT", "sync", true],
  ["LOCKSTEP_HTTP_TIMEOUT", "lock", false],
  ["LOCKSTEP_CONNECT_TIMEOUT", "sync", false],
  ["LOCKSTEP_INDEX_CORP_PASSWORD", "sync", false],
] as const)("envFolded(%s, %s) → %s", (name, command, folded) => {
  expect(envFolded(name, command, settingKeys)).toBe(folded);
});

afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Every `LOCKSTEP_*` name in the product sources (not tests) of every package. */
function sourceEnvNames(): string[] {
  const packages = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const names = new Set<string>();
  for (const pkg of readdirSync(packages)) {
    const walk = (dir: string): void => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
          for (const m of readFileSync(join(dir, e.name), "utf8").matchAll(/LOCKSTEP_[A-Z0-9_]+/g))
            names.add(m[0]);
      }
    };
    walk(join(packages, pkg, "src"));
  }
  return [...names].sort();
}

test("every LOCKSTEP_* variable the product reads is either folded in or makes the fast path decline", () => {
  const settingEnvs = new Set(SETTINGS.map((s) => s.env));
  const names = sourceEnvNames();
  expect(names).toContain("LOCKSTEP_INDEX_URL");
  const ignored = names.filter((n) => !envMatters(n, settingEnvs));
  expect(ignored).toEqual([]);
  // A variable nothing reads (a benchmark's own) is not a reason to decline.
  expect(envMatters("LOCKSTEP_BENCH_RUNS", settingEnvs)).toBe(false);
});
