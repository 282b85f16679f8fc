/**
 * Global flags and settings through the real bundle against the example universe on 127.0.0.1:
 * an index URL from LOCKSTEP_INDEX_URL or the user config file is recorded, so later commands that
 * see the same setting find the lock fresh and those that do not find it stale (exit 3);
 * `[tool.lockstep]` beats the user config; `--directory`, `--no-cache`, `-q`; errors that name
 * their input (a `--cache-dir` that is a file, an invalid environment value).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, copyExampleApp, EXAMPLE_UNIVERSE, run } from "../testing";

let entry: string;
let server: IndexServer;
let project: string;
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-globals-cache-"));
const configHome = mkdtempSync(join(tmpdir(), "lockstep-globals-config-"));
const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  LOCKSTEP_CACHE_DIR: cacheDir,
  XDG_CONFIG_HOME: configHome,
  NO_COLOR: "1",
};
for (const k of Object.keys(baseEnv))
  if (k.startsWith("LOCKSTEP_") && k !== "LOCKSTEP_CACHE_DIR") delete baseEnv[k];

function lockstep(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return run(process.execPath, [entry, ...args], {
    cwd: opts.cwd ?? project,
    env: { ...baseEnv, ...opts.env },
  });
}

function userConfig(text: string | undefined): void {
  const file = join(configHome, "lockstep", "lockstep.toml");
  mkdirSync(join(configHome, "lockstep"), { recursive: true });
  if (text === undefined) writeFileSync(file, "");
  else writeFileSync(file, text);
}

beforeAll(async () => {
  const [bundle, built] = await Promise.all([
    buildBundle(),
    buildUniverse(loadUniverseFile(EXAMPLE_UNIVERSE)),
  ]);
  entry = bundle.entry;
  server = await startIndexServer(built);
  project = copyExampleApp();
});

afterAll(async () => {
  await server?.close();
});

describe("settings from the environment and the user config", () => {
  test("a lock made with LOCKSTEP_INDEX_URL is fresh for commands that see it, stale (exit 3) for those that do not", async () => {
    const env = { LOCKSTEP_INDEX_URL: server.url };
    const first = await lockstep(["lock"], { env });
    expect(first.stderr).toMatch(/^Resolved 20 packages in [\d.]+m?s\n$/);
    expect(first.code).toBe(0);
    expect(readFileSync(join(project, "pylock.toml"), "utf8")).toContain(server.url);
    expect(await lockstep(["lock", "--check"], { env })).toMatchObject({ code: 0 });
    // The flag and the variable are the same setting.
    expect(await lockstep(["lock", "--check", "--index-url", server.url])).toMatchObject({ code: 0 });
    const without = await lockstep(["lock", "--check"]);
    expect(without.code).toBe(3);
    expect(without.stderr).toContain("indexes changed");
  });

  test("the user config file's index-url is a setting too; [tool.lockstep] beats the user config", async () => {
    userConfig(`index-url = "${server.url}"\n`);
    try {
      expect(await lockstep(["lock", "--check"])).toMatchObject({ code: 0 });
      userConfig(`index-url = "${server.url}"\nresolution = "lowest"\n`);
      const lowest = await lockstep(["lock", "--check"]);
      expect(lowest.code).toBe(3);
      expect(lowest.stderr).toContain("resolution");
      const pyproject = join(project, "pyproject.toml");
      const original = readFileSync(pyproject, "utf8");
      writeFileSync(
        pyproject,
        original.replace("[tool.lockstep]\n", '[tool.lockstep]\nresolution = "highest"\n'),
      );
      try {
        expect(await lockstep(["lock", "--check"])).toMatchObject({ code: 0 });
      } finally {
        writeFileSync(pyproject, original);
      }
      userConfig(`index_url = "${server.url}"\n`);
      const typo = await lockstep(["lock", "--check"]);
      expect(typo.code).toBe(1);
      expect(typo.stderr).toBe(
        `error: ${join(configHome, "lockstep", "lockstep.toml")}: unknown key \`index_url\`\n  hint: did you mean \`index-url\`?\n`,
      );
    } finally {
      userConfig(undefined);
    }
  });

  test.each([
    [
      { LOCKSTEP_OFFLINE: "maybe" },
      'error: LOCKSTEP_OFFLINE: "maybe" is not a boolean (1, true, yes, on / 0, false, no, off)\n',
    ],
    [
      { LOCKSTEP_PRERELEASE: "never" },
      'error: LOCKSTEP_PRERELEASE: "never" is not one of disallow, allow, if-necessary, explicit, if-necessary-or-explicit\n',
    ],
    [
      { LOCKSTEP_EXTRA_INDEX_URL: "not-a-url" },
      'error: LOCKSTEP_EXTRA_INDEX_URL: "not-a-url" is not a valid index URL\n  hint: give an http(s) URL such as https://pypi.org/simple\n',
    ],
  ])("an invalid environment value names the variable (exit 2): %j", async (env, stderr) => {
    expect(await lockstep(["lock", "--check"], { env })).toEqual({ code: 2, stdout: "", stderr });
  });
});

describe("global flags", () => {
  test("--directory changes directory before the project is searched", async () => {
    const res = await lockstep(["--directory", project, "lock", "--check", "--index-url", server.url], {
      cwd: tmpdir(),
    });
    expect(res.code).toBe(0);
    const after = await lockstep(["tree", "--directory", join(project, "no-such-dir")], { cwd: tmpdir() });
    expect(after).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: --directory: ${JSON.stringify(join(project, "no-such-dir"))} does not exist\n`,
    });
  });

  test("-q prints nothing but errors; --quiet after the command too", async () => {
    expect(await lockstep(["-q", "lock", "--index-url", server.url])).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });
    expect(await lockstep(["lock", "--quiet", "--index-url", server.url])).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });
  });

  test("--cache-dir naming a file is refused, naming it", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "lockstep-globals-")), "a-file");
    writeFileSync(file, "");
    expect(await lockstep(["lock", "--upgrade", "--cache-dir", file, "--index-url", server.url])).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: --cache-dir: ${JSON.stringify(file)} is not a directory\n  hint: give a directory (it is created when missing), or remove the file\n`,
    });
    const viaEnv = await lockstep(["lock", "--upgrade", "--index-url", server.url], {
      env: { LOCKSTEP_CACHE_DIR: file },
    });
    expect(viaEnv.stderr).toContain(`error: LOCKSTEP_CACHE_DIR: ${JSON.stringify(file)} is not a directory`);
  });

  test("--no-cache resolves through a temporary cache that is gone at exit", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "lockstep-globals-tmp-"));
    server.resetStats();
    const res = await lockstep(["lock", "--upgrade", "--no-cache", "--index-url", server.url], {
      env: { TMPDIR: tmp },
    });
    expect(res.code, res.stderr).toBe(0);
    // Nothing came from the shared cache: the index was asked again.
    expect(server.requests.length).toBeGreaterThan(0);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(cacheDir)).toBe(true);
  });
});

describe("logging", () => {
  test("-vv logs index requests and the resolver's outcome to stderr; credentials never appear", async () => {
    const secretUrl = server.url.replace("http://", "http://user:secret@");
    const res = await lockstep(["-vv", "lock", "--upgrade", "--refresh", "--index-url", secretUrl]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(
      new RegExp(
        `^DEBUG index page url=${server.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\S+ status=(200|304) ms=\\d+ cached=false$`,
        "m",
      ),
    );
    expect(res.stderr).toMatch(/^INFO resolved packages=20 forks=\d+ ms=\d+$/m);
    expect(res.stderr).toMatch(/^DEBUG resolver statistics /m);
    expect(res.stderr).not.toContain("secret");
    const info = await lockstep(["-v", "lock", "--upgrade", "--index-url", server.url]);
    expect(info.stderr).toMatch(/^INFO resolved /m);
    expect(info.stderr).not.toMatch(/^DEBUG/m);
    const quiet = await lockstep(["lock", "--upgrade", "--index-url", server.url]);
    expect(quiet.stderr).not.toMatch(/^(INFO|DEBUG)/m);
  });

  test("--log-format json writes pino JSON lines to stderr", async () => {
    const res = await lockstep([
      "lock",
      "-vv",
      "--upgrade",
      "--log-format",
      "json",
      "--index-url",
      server.url,
    ]);
    expect(res.code).toBe(0);
    const records = res.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: string; msg: string; time: string });
    expect(records.some((r) => r.level === "info" && r.msg === "resolved")).toBe(true);
    expect(records.some((r) => r.level === "debug" && r.msg === "index page")).toBe(true);
    expect(records.every((r) => typeof r.time === "string")).toBe(true);
  });
});

describe("rough edges", () => {
  test("a plain file named .venv is refused, not replaced", async () => {
    const file = join(project, ".venv");
    writeFileSync(file, "mine\n");
    const res = await lockstep(["sync", "--python", "/usr/bin/python3", "--index-url", server.url]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`error: ${file} exists and is not a directory; refusing to replace it`);
    expect(readFileSync(file, "utf8")).toBe("mine\n");
  });
});
