/**
 * `run`'s environments end to end through the real bundle, against the example universe (plus
 * `greeter`, a package with a `__main__`) on 127.0.0.1: PEP 723 scripts in their own cached
 * environment (the second run asks the index nothing), a `.py` without metadata, `-m`, `--with`
 * (an overlay that leaves the project's venv alone), `--no-sync` and `--isolated`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer, Universe } from "@lockstep/fixtures";
import {
  buildBundle,
  copyExampleApp,
  declareFixtureIndex,
  EXAMPLE_UNIVERSE,
  installedDistributions,
  run,
} from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-run-cache-"));
const env: NodeJS.ProcessEnv = { ...process.env, LOCKSTEP_CACHE_DIR: cacheDir, NO_COLOR: "1" };
for (const k of Object.keys(env)) if (k.startsWith("LOCKSTEP_") && k !== "LOCKSTEP_CACHE_DIR") delete env[k];
delete env.VIRTUAL_ENV;

let entry: string;
let server: IndexServer;
let project: string;
let site: string;
/** A directory outside any project, for scripts. */
const loose = mkdtempSync(join(tmpdir(), "lockstep-run-scripts-"));

function withGreeter(u: Universe): Universe {
  return {
    ...u,
    name: `${u.name}-greeter`,
    packages: {
      ...u.packages,
      greeter: {
        versions: {
          "0.3.0": {
            requiresPython: ">=3.8",
            files: {
              "greeter/__init__.py": '__version__ = "0.3.0"\n',
              "greeter/__main__.py": 'import sys\n\nprint("greeter", *sys.argv[1:])\n',
            },
          },
        },
      },
    },
  };
}

const lockstep = (args: string[], cwd = project, extra: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [entry, ...args], { cwd, env: { ...env, ...extra } });

const environments = () => {
  const dir = join(cacheDir, "environments-v1");
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => !n.startsWith("."))
        .sort()
    : [];
};

function script(name: string, deps: string[], body: string, extraToml = ""): string {
  const path = join(loose, name);
  writeFileSync(
    path,
    [
      "#!/usr/bin/env python3",
      "# /// script",
      '# requires-python = ">=3.9"',
      `# dependencies = [${deps.map((d) => JSON.stringify(d)).join(", ")}]`,
      "# [tool.lockstep]",
      `# index-url = "${server.url}"`,
      ...extraToml
        .split("\n")
        .filter(Boolean)
        .map((l) => `# ${l}`),
      "# ///",
      body,
    ].join("\n"),
  );
  return path;
}

beforeAll(async () => {
  const [bundle, built] = await Promise.all([
    buildBundle(),
    buildUniverse(withGreeter(loadUniverseFile(EXAMPLE_UNIVERSE))),
  ]);
  entry = bundle.entry;
  server = await startIndexServer(built);
  project = copyExampleApp();
  declareFixtureIndex(project, server.url);
  site = join(project, ".venv", "lib", "python3.12", "site-packages");
});

afterAll(async () => {
  await server?.close();
});

describe("run a PEP 723 script", () => {
  const body = [
    "import sys, clickly, timely",
    "print('clickly', clickly.__version__, 'timely', timely.__version__, sys.argv[1:])",
    "print('prefix', sys.prefix)",
    "sys.exit(7)",
  ].join("\n");

  test("its own environment from its block (index from [tool.lockstep]); flags after the script are its own; its exit code passes through", async () => {
    script("tool.py", ["clickly>=8.1", "timely<3"], body);
    const res = await lockstep(["run", "--python", PY312, "tool.py", "-x", "--help"], loose);
    expect(res.code, res.stderr).toBe(7);
    const [env] = environments();
    expect(res.stdout).toBe(
      `clickly 8.1.7 timely 2.9.0 ['-x', '--help']\nprefix ${join(cacheDir, "environments-v1", env as string)}\n`,
    );
    expect(res.stderr).toBe(
      `Created the script environment at: ${join(cacheDir, "environments-v1", env as string)}\nInstalled 3 packages\n + clickly==8.1.7\n + sixer==1.16.0\n + timely==2.9.0\n`,
    );
  });

  test("the second run reuses the environment: no resolution, no request", async () => {
    server.resetStats();
    const res = await lockstep(["run", "--python", PY312, "tool.py", "again"], loose);
    expect(res.code).toBe(7);
    expect(res.stdout).toMatch(/^clickly 8\.1\.7 timely 2\.9\.0 \['again'\]\n/);
    expect(res.stderr).toBe("");
    expect(server.requests).toEqual([]);
    expect(environments()).toHaveLength(1);
  });

  test("changed dependencies give another environment", async () => {
    script("tool.py", ["clickly>=8.1", "timely>=3"], body);
    const res = await lockstep(["run", "--python", PY312, "tool.py"], loose);
    expect(res.code, res.stderr).toBe(7);
    expect(res.stdout).toMatch(/^clickly 8\.1\.7 timely 3\.0\.0 \[\]\n/);
    expect(environments()).toHaveLength(2);
  });

  test("two first runs at once: one builds the environment, the other waits and reuses it", async () => {
    script("twice.py", ["clickly", "timely==2.8.2"], "import timely\nprint(timely.__version__)");
    const before = environments().length;
    const [a, b] = await Promise.all([
      lockstep(["run", "--python", PY312, "twice.py"], loose),
      lockstep(["run", "--python", PY312, "twice.py"], loose),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect([a.stdout, b.stdout]).toEqual(["2.8.2\n", "2.8.2\n"]);
    expect([a.stderr, b.stderr].filter((e) => e.startsWith("Created the script environment"))).toHaveLength(
      1,
    );
    expect(environments()).toHaveLength(before + 1);
  });

  test("--with over a script's environment (the script's index settings, outside any project)", async () => {
    script(
      "both.py",
      ["clickly"],
      "import clickly, greeter\nprint(clickly.__version__, greeter.__version__)",
    );
    const res = await lockstep(["run", "--python", PY312, "--with", "greeter", "both.py"], loose);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe("8.1.7 0.3.0\n");
    expect(res.stderr).toContain("Created the --with environment at: ");
    expect(res.stderr).toContain(" + greeter==0.3.0\n");
  });

  test("a script inside a project still uses only its own environment", async () => {
    writeFileSync(join(project, "inside.py"), readFileSync(join(loose, "tool.py")));
    const res = await lockstep(["run", "--python", PY312, "inside.py"]);
    expect(res.code, res.stderr).toBe(7);
    expect(res.stdout).toContain(`prefix ${join(cacheDir, "environments-v1")}`);
    expect(existsSync(join(project, ".venv"))).toBe(false);
    expect(existsSync(join(project, "pylock.toml"))).toBe(false);
  });

  test.each([
    [
      "two script blocks",
      "#!/usr/bin/env python3\n# /// script\n# dependencies = []\n# ///\nx = 1\n# /// script\n# ///\n",
      "error: bad.py:6: a second `# /// script` block (the first is on line 2); PEP 723 allows one\n",
    ],
    [
      "a bad requirement",
      '# /// script\n# dependencies = [\n#   "clickly>=8",\n#   "timely>>2",\n# ]\n# ///\n',
      /^error: bad\.py:4: invalid requirement `timely>>2` in the `# \/\/\/ script` block: /,
    ],
    [
      "invalid TOML",
      "# /// script\n# dependencies = [\n# ///\n",
      /^error: bad\.py:\d+:\d+: invalid TOML in the `# \/\/\/ script` block: /,
    ],
  ])("bad metadata (%s) names the script and the line", async (_name, text, message) => {
    writeFileSync(join(loose, "bad.py"), text);
    const res = await lockstep(["run", "bad.py"], loose);
    expect(res.code).toBe(1);
    if (typeof message === "string") expect(res.stderr).toBe(message);
    else expect(res.stderr).toMatch(message);
  });

  test("a .py without metadata outside a project runs with the interpreter found, not in a venv", async () => {
    writeFileSync(
      join(loose, "plain.py"),
      "import sys\nprint(sys.prefix == sys.base_prefix, sys.argv[1:])\n",
    );
    const res = await lockstep(["run", "--python", PY312, "plain.py", "-q"], loose);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe("True ['-q']\n");
  });
});

describe("run in a project: -m, --with, --no-sync, --isolated", () => {
  test("a .py without metadata runs in the project's venv (synced first)", async () => {
    writeFileSync(join(project, "plain.py"), "import sys, clickly\nprint(sys.prefix, clickly.__version__)\n");
    const res = await lockstep(["run", "--python", PY312, "plain.py"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe(`${join(project, ".venv")} 8.1.7\n`);
  });

  test("-m MODULE runs python -m in the venv, with the words after it as the module's", async () => {
    writeFileSync(join(project, "d.json"), '{"b": 1, "a": [2]}');
    const res = await lockstep(["run", "-m", "json.tool", "--sort-keys", "--compact", "d.json"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('{"a":[2],"b":1}\n');
    const path = await lockstep(["run", "-m", "no_such_module"]);
    expect(path.code).toBe(1);
    expect(path.stderr).toContain(
      `${join(project, ".venv", "bin", "python")}: No module named no_such_module`,
    );
  });

  test("--with PKG: an overlay with PKG over the project's venv, which is left as it was", async () => {
    const before = installedDistributions(site);
    const res = await lockstep([
      "run",
      "--with",
      "greeter",
      "--with",
      "charsniff-fast",
      "python",
      "-c",
      "import sys, greeter, charsniff_fast, clickly; print(greeter.__version__, charsniff_fast.__version__, clickly.__version__, sys.prefix)",
    ]);
    expect(res.code, res.stderr).toBe(0);
    const overlay = environments().find((e) => res.stdout.includes(e)) as string;
    expect(res.stdout).toBe(`0.3.0 3.0.1 8.1.7 ${join(cacheDir, "environments-v1", overlay)}\n`);
    // charsniff (charsniff-fast's dependency) is in the project's venv already: not installed again.
    expect(res.stderr).toContain("Installed 2 packages\n + charsniff-fast==3.0.1\n + greeter==0.3.0\n");
    expect(installedDistributions(site)).toEqual(before);

    server.resetStats();
    const again = await lockstep([
      "run",
      "--with",
      "greeter",
      "--with",
      "charsniff-fast",
      "-m",
      "greeter",
      "hi",
      "-v",
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe("greeter hi -v\n");
    expect(again.stderr).not.toContain("Created");
    expect(server.requests).toEqual([]);
  });

  test("--with outside a project: an environment with only PKG", async () => {
    const res = await lockstep(
      ["run", "--python", PY312, "--index-url", server.url, "--with", "greeter", "-m", "greeter", "x"],
      loose,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe("greeter x\n");
  });

  test("--no-sync runs in the venv as it is; without it the lock follows pyproject.toml, and the venv adds only (--exact removes, as uv's run)", async () => {
    const file = join(project, "pyproject.toml");
    const original = readFileSync(file, "utf8");
    const lock = readFileSync(join(project, "pylock.toml"), "utf8");
    writeFileSync(file, original.replace('    "yamlite>=6.0",\n', ""));
    try {
      const kept = await lockstep(["run", "--no-sync", "python", "-c", "import yamlite"]);
      expect(kept.code, kept.stderr).toBe(0);
      expect(kept.stderr).toBe("");
      expect(readFileSync(join(project, "pylock.toml"), "utf8")).toBe(lock);
      // Re-locked without yamlite, but run's sync is inexact: the package stays importable.
      const inexact = await lockstep(["run", "python", "-c", "import yamlite"]);
      expect(inexact.code, inexact.stderr).toBe(0);
      expect(readFileSync(join(project, "pylock.toml"), "utf8")).not.toContain('name = "yamlite"');
      expect(inexact.stderr).toContain("Removed yamlite v6.0.2 (requirement removed: yamlite>=6.0)"); // from the lock
      expect(inexact.stderr).not.toContain(" - yamlite"); // not uninstalled
      // In sync for an inexact run now: the next one is answered without a sync.
      const again = await lockstep(["run", "python", "-c", "import yamlite"]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(
        /^Resolved \d+ packages in [\d.]+m?s\nAudited \d+ packages in [\d.]+m?s\n$/,
      );
      const exact = await lockstep(["run", "--exact", "python", "-c", "import yamlite"]);
      expect(exact.code).toBe(1);
      expect(exact.stderr).toContain(" - yamlite==6.0.2\n");
      expect(exact.stderr).toContain("ModuleNotFoundError: No module named 'yamlite'");
      // An exact sync's venv serves an inexact run as it is.
      const after = await lockstep(["run", "python", "-c", "print(1)"]);
      expect(after.code, after.stderr).toBe(0);
      expect(after.stderr).toMatch(
        /^Resolved \d+ packages in [\d.]+m?s\nAudited \d+ packages in [\d.]+m?s\n$/,
      );
    } finally {
      writeFileSync(file, original);
    }
  });

  test("--exact and --inexact conflict (usage error, exit 2)", async () => {
    const res = await lockstep(["run", "--exact", "--inexact", "python", "-c", "1"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("exact");
  });

  test("--isolated: the project synced into a temporary venv, removed afterwards; .venv untouched", async () => {
    const stamp = statSync(join(site)).mtimeMs;
    const before = installedDistributions(site);
    const res = await lockstep([
      "run",
      "--isolated",
      "--python",
      PY312,
      "python",
      "-c",
      "import sys, yamlite, clickly; print(sys.prefix)",
    ]);
    expect(res.code, res.stderr).toBe(0);
    const prefix = res.stdout.trim();
    expect(prefix).toMatch(/lockstep-isolated-[^/]+\/venv$/);
    expect(existsSync(prefix)).toBe(false);
    expect(res.stderr).toMatch(/Installed 16 packages in/);
    expect(installedDistributions(site)).toEqual(before);
    expect(statSync(site).mtimeMs).toBe(stamp);
  });

  test("--isolated and --no-sync conflict (usage error, exit 2)", async () => {
    const res = await lockstep(["run", "--isolated", "--no-sync", "python", "-c", "1"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("isolated");
  });
});
