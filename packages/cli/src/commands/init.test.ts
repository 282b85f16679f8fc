/**
 * `lockstep init` end to end through the real bundle: a new application is locked and synced
 * against a fixture index (no dependencies, so no build backend is needed: an application is
 * virtual), then `add` gives it a dependency; a library gets the src/ layout and a
 * `[build-system]`; a second `init` is refused naming the file; `--vcs` and the name rules.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, installedDistributions, run } from "../../testing";

const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-init-cache-"));
const env: NodeJS.ProcessEnv = { ...process.env, LOCKSTEP_CACHE_DIR: cacheDir, NO_COLOR: "1" };
delete env.VIRTUAL_ENV;
delete env.LOCKSTEP_PROJECT_ENVIRONMENT;

/** `X.Y` of the python3 on PATH: the interpreter the new projects require and pin. */
const PY = spawnSync("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
  encoding: "utf8",
}).stdout.trim();

let entry: string;
let server: IndexServer;
const lockstep = (args: string[], cwd: string) => run(process.execPath, [entry, ...args], { cwd, env });

beforeAll(async () => {
  [entry, server] = await Promise.all([
    buildBundle().then((b) => b.entry),
    serveUniverse({
      name: "lockstep-cli-init",
      packages: { greet: { versions: { "1.0.0": { files: { "greet.py": "WORD = 'hi'\n" } } } } },
    }),
  ]);
}, 120_000);
afterAll(() => server?.close());

describe("an application", () => {
  const parent = mkdtempSync(join(tmpdir(), "lockstep-init-"));
  const root = join(parent, "hello-app");

  test("init writes the project files, pins the interpreter found, and runs git init", async () => {
    const res = await lockstep(["init", "hello-app", "--python", PY], parent);
    expect(res.stderr).toBe(
      `Initialized application \`hello-app\` at \`${root}\` (requires-python >=${PY}, git repository)\n`,
    );
    expect(res.code).toBe(0);
    expect(readFileSync(join(root, "pyproject.toml"), "utf8")).toBe(
      [
        "[project]",
        'name = "hello-app"',
        'version = "0.1.0"',
        'description = "Add your description here"',
        'readme = "README.md"',
        `requires-python = ">=${PY}"`,
        "dependencies = []",
        "",
      ].join("\n"),
    );
    expect(readFileSync(join(root, ".python-version"), "utf8")).toBe(`${PY}\n`);
    expect(readFileSync(join(root, ".gitignore"), "utf8")).toMatch(/^\.venv$/m);
    expect(readFileSync(join(root, "main.py"), "utf8")).toContain('print("Hello from hello-app!")');
    expect(existsSync(join(root, "README.md"))).toBe(true);
    expect(existsSync(join(root, ".git"))).toBe(true);
    expect(existsSync(join(root, "src"))).toBe(false);
  });

  test("the new project locks, syncs and runs with the fixture index", async () => {
    const lock = await lockstep(["lock", "--index-url", server.url], root);
    expect(lock.stderr).toMatch(/^Resolved 0 packages in [\d.]+m?s\n$/);
    expect(lock.code).toBe(0);
    const sync = await lockstep(["sync", "--index-url", server.url], root);
    expect(sync.code).toBe(0);
    expect(readFileSync(join(root, ".venv", "pyvenv.cfg"), "utf8")).toMatch(
      new RegExp(`^version_info = ${PY.replace(".", "\\.")}\\.`, "m"),
    );
    const main = await lockstep(["run", "--index-url", server.url, "python", "main.py"], root);
    expect(main.stdout).toBe("Hello from hello-app!\n");
  });

  test("a dependency added to it is locked and installed", async () => {
    const add = await lockstep(["add", "greet", "--index-url", server.url], root);
    expect(add.code).toBe(0);
    const site = join(root, ".venv", "lib", `python${PY}`, "site-packages");
    expect(installedDistributions(site)).toEqual(["greet==1.0.0"]);
  });

  test("a second init is refused, naming the file, and changes nothing", async () => {
    const before = readFileSync(join(root, "pyproject.toml"), "utf8");
    const res = await lockstep(["init", "--name", "other"], root);
    expect(res.stderr).toBe(
      `error: Project is already initialized in ${root}: ${join(root, "pyproject.toml")} exists\n  hint: edit it, or run \`lockstep init\` in another directory\n`,
    );
    expect(res.code).toBe(1);
    expect(readFileSync(join(root, "pyproject.toml"), "utf8")).toBe(before);
  });
});

describe("a library, names and version control", () => {
  test("--lib: src/ layout, py.typed, a hatchling [build-system]; it locks as a package", async () => {
    const parent = mkdtempSync(join(tmpdir(), "lockstep-init-"));
    const res = await lockstep(
      ["init", "--lib", "--name", "My.Lib", "--vcs", "none", "--python", PY],
      parent,
    );
    expect(res.code).toBe(0);
    const text = readFileSync(join(parent, "pyproject.toml"), "utf8");
    expect(text).toContain('name = "My.Lib"');
    expect(text).toContain('[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n');
    expect(readFileSync(join(parent, "src", "my_lib", "__init__.py"), "utf8")).toContain(
      "def hello() -> str:",
    );
    expect(existsSync(join(parent, "src", "my_lib", "py.typed"))).toBe(true);
    expect(existsSync(join(parent, "main.py"))).toBe(false);
    expect(existsSync(join(parent, ".git"))).toBe(false);
    const lock = await lockstep(["lock", "--index-url", server.url], parent);
    expect(lock.stderr).toMatch(/^Resolved 1 package in [\d.]+m?s\n$/);
    expect(readFileSync(join(parent, "pylock.toml"), "utf8")).toContain('name = "my-lib"');
  });

  test("--package for an application adds a console script", async () => {
    const parent = mkdtempSync(join(tmpdir(), "lockstep-init-"));
    const dir = join(parent, "tool");
    const res = await lockstep(
      ["init", dir, "--package", "--build-backend", "flit-core", "--python", PY],
      parent,
    );
    expect(res.code).toBe(0);
    const text = readFileSync(join(dir, "pyproject.toml"), "utf8");
    expect(text).toContain('[project.scripts]\ntool = "tool:main"\n');
    expect(text).toContain('build-backend = "flit_core.buildapi"');
    expect(readFileSync(join(dir, "src", "tool", "__init__.py"), "utf8")).toContain("def main() -> None:");
  });

  test("inside an existing git work tree, no nested repository is made", async () => {
    const repo = mkdtempSync(join(tmpdir(), "lockstep-init-repo-"));
    expect((await run("git", ["init", "--quiet"], { cwd: repo })).code).toBe(0);
    const res = await lockstep(["init", "member", "--python", PY], repo);
    expect(res.stderr).not.toContain("git repository");
    expect(existsSync(join(repo, "member", ".git"))).toBe(false);
  });

  test.each([
    [
      ["init", "--name", "bad name!"],
      2,
      'error: --name "bad name!" is not a valid project name: use ASCII letters, digits, and . _ - inside, starting and ending with a letter or digit (PEP 508)\n',
    ],
    [
      ["init", "--lib", "--no-package"],
      2,
      "error: --lib cannot be combined with --no-package: a library is always a package\n",
    ],
  ])("%j is refused", async (args, code, stderr) => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-init-"));
    const res = await lockstep([...args, "--python", PY], dir);
    expect(res.stderr).toBe(stderr);
    expect(res.code).toBe(code);
    expect(existsSync(join(dir, "pyproject.toml"))).toBe(false);
  });

  test("a directory name that is not a project name asks for --name", async () => {
    const parent = mkdtempSync(join(tmpdir(), "lockstep-init-"));
    const dir = join(parent, "my app");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "kept\n");
    const res = await lockstep(["init", "--python", PY], dir);
    expect(res.stderr).toBe(
      'error: The directory name "my app" is not a valid project name (PEP 508: ASCII letters, digits, and . _ - inside, starting and ending with a letter or digit)\n  hint: pass --name NAME\n',
    );
    expect(res.code).toBe(1);
  });
});
