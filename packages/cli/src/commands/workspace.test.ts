/**
 * Workspaces and path sources end to end through the built CLI, on a loopback fixture index:
 * a workspace of three members (the root app depends on member `liba` through `{ workspace = true }`,
 * member `libb` has an extra) locked once at the root, synced per member (`--package`), from a
 * member's directory, and all together (`--all-packages`), then `run --package`; a path dependency
 * and an editable one, edited and re-locked (`lock --check` says stale first); every lock accepted
 * by `packaging.pylock`; errors for a missing path and a member glob matching nothing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BACKEND_SOURCE, serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, run } from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
let server: IndexServer;
let entry: string;

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  server = await serveUniverse({
    name: "lockstep-cli-workspace",
    packages: {
      "lockstep-test-backend": {
        versions: { "1.0": { sdist: false, files: { "lockstep_test_backend.py": BACKEND_SOURCE } } },
      },
      "dep-a": { versions: { "1.0": {} } },
      "dep-b": { versions: { "1.0": {}, "2.0": {} } },
      "extra-dep": { versions: { "1.0": {} } },
      "late-dep": { versions: { "1.0": {} } },
      // Downloaded into a project and used as local path sources (never taken from the index).
      "local-wheel": { versions: { "1.0": { requiresDist: ["dep-a"] } } },
      "local-sdist": { versions: { "1.0": { requiresDist: ["extra-dep"], wheels: false } } },
    },
  });
}, 120_000);
afterAll(() => server.close());

/** A package directory the fixture backend can build: pyproject.toml, PKG-INFO and one module. */
function writePackage(
  dir: string,
  name: string,
  opts: { deps?: string[]; extras?: Record<string, string[]>; requiresPython?: string; tail?: string[] } = {},
): void {
  mkdirSync(dir, { recursive: true });
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[build-system]",
      'requires = ["lockstep-test-backend>=1.0"]',
      'build-backend = "lockstep_test_backend"',
      "",
      "[project]",
      `name = "${name}"`,
      'version = "0.1.0"',
      `requires-python = "${opts.requiresPython ?? ">=3.9"}"`,
      `dependencies = ${list(opts.deps ?? [])}`,
      ...(opts.extras
        ? [
            "",
            "[project.optional-dependencies]",
            ...Object.entries(opts.extras).map(([x, d]) => `${x} = ${list(d)}`),
          ]
        : []),
      ...(opts.tail ?? []),
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "PKG-INFO"), `Metadata-Version: 2.2\nName: ${name}\nVersion: 0.1.0\n`);
  writeFileSync(join(dir, `${name.replace(/-/g, "_")}.py`), `NAME = "${name}"\n`);
}

function cli(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  return run(process.execPath, [entry, ...args], { cwd, env });
}

function freshEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCKSTEP_CACHE_DIR: mkdtempSync(join(tmpdir(), "lockstep-ws-cache-")),
    NO_COLOR: "1",
  };
  delete env.VIRTUAL_ENV;
  return env;
}

/** The distributions installed in the venv at `root`, as `name==version`, sorted. */
function installed(root: string): string[] {
  const site = join(root, ".venv", "lib", "python3.12", "site-packages");
  return readdirSync(site)
    .filter((d) => d.endsWith(".dist-info"))
    .map((d) => d.replace(/\.dist-info$/, "").replace("-", "=="))
    .sort();
}

/** Download the one file of `project` whose name ends with `suffix` into `dir`; returns its name. */
async function download(project: string, suffix: string, dir: string): Promise<string> {
  const page = await (await fetch(`${server.url.replace(/\/$/, "")}/${project}/`)).text();
  const href = [...page.matchAll(/href="([^"]+)"/g)]
    .map((m) => m[1] as string)
    .find((h) => h.split("#")[0]?.endsWith(suffix));
  if (!href) throw new Error(`no ${suffix} file for ${project} in:\n${page}`);
  const url = new URL(href, `${server.url.replace(/\/$/, "")}/${project}/`);
  const name = decodeURIComponent(url.pathname.split("/").pop() as string);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), Buffer.from(await (await fetch(url)).arrayBuffer()));
  return name;
}

function pylockAccepts(path: string): string {
  const script = `
import sys, tomllib
from packaging.pylock import Pylock
Pylock.from_dict(tomllib.loads(open(sys.argv[1]).read())).validate()
print("ok")
`;
  return execFileSync("python3", ["-c", script, path], { encoding: "utf8" }).trim();
}

describe("a workspace of three members", () => {
  test("locked once at the root, synced per member and all together, then run", async () => {
    const root = mkdtempSync(join(tmpdir(), "lockstep-ws-"));
    writePackage(root, "app", {
      deps: ["liba"],
      tail: [
        "",
        // Sub-tables rather than inline tables: the fixture backend reads a TOML subset.
        "[tool.lockstep.sources.liba]",
        "workspace = true",
        "",
        "[tool.lockstep.workspace]",
        'members = ["packages/*"]',
      ],
    });
    writePackage(join(root, "packages", "liba"), "liba", {
      deps: ["dep-a"],
      requiresPython: ">=3.10",
      tail: ["", "[dependency-groups]", 'lint = ["extra-dep"]'],
    });
    writePackage(join(root, "packages", "libb"), "libb", { deps: ["dep-b<2"], extras: { x: ["extra-dep"] } });
    const env = freshEnv();

    // Locked from a member's directory: one pylock.toml at the root.
    const lock = await cli(join(root, "packages", "libb"), env, "lock", "--index-url", server.url);
    expect(lock.code, lock.stderr).toBe(0);
    expect(existsSync(join(root, "packages", "libb", "pylock.toml"))).toBe(false);
    const text = readFileSync(join(root, "pylock.toml"), "utf8");
    // liba's requires-python narrows the workspace's.
    expect(text).toMatch(/^requires-python = ">=3\.9, *>=3\.10"$|^requires-python = ">=3\.10, *>=3\.9"$/m);
    expect(text).toContain('extras = ["x"]');
    expect(text).toContain('name = "liba"\nversion = "0.1.0"');
    expect(text).toContain('directory = { path = "packages/liba", editable = true }');
    expect(text).toContain('directory = { path = "packages/libb", editable = true }');
    expect(text).toContain('directory = { path = ".", editable = true }');
    expect(text).toContain("[tool.lockstep.inputs.sources]");
    // The root's own entry lists what its pyproject.toml declares, not every member.
    const appEntry = text.split("[[packages]]").find((b) => b.includes('name = "app"\n')) ?? "";
    expect(appEntry).toContain('dependencies = [\n    { name = "liba" },\n]');
    expect(pylockAccepts(join(root, "pylock.toml"))).toBe("ok");
    const check = await cli(root, env, "lock", "--check", "--index-url", server.url);
    expect(check.code, check.stderr).toBe(0);

    // --package libb: that member and its dependencies only.
    const one = await cli(
      root,
      env,
      "sync",
      "--python",
      PY312,
      "--index-url",
      server.url,
      "--package",
      "libb",
    );
    expect(one.code, one.stderr).toBe(0);
    expect(installed(root)).toEqual(["dep_b==1.0", "libb==0.1.0"]);

    // With its extra.
    const withExtra = await cli(
      root,
      env,
      ...["sync", "--python", PY312, "--index-url", server.url, "--package", "libb", "--extra", "x"],
    );
    expect(withExtra.code, withExtra.stderr).toBe(0);
    expect(installed(root)).toEqual(["dep_b==1.0", "extra_dep==1.0", "libb==0.1.0"]);

    // verify checks the set the same selection syncs: clean for libb, missing the rest for all.
    const verified = await cli(root, env, "verify", "--package", "libb", "--extra", "x");
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stderr).toContain("Verified 3 packages");
    const verifyAll = await cli(root, env, "verify", "--all-packages", "--extra", "x");
    expect(verifyAll.code).toBe(1);
    expect(
      verifyAll.stdout
        .split("\n")
        .filter((l) => l.startsWith("missing"))
        .map((l) => l.split(":")[0]),
    ).toEqual(["missing  app==0.1.0", "missing  dep-a==1.0", "missing  liba==0.1.0"]);

    // From liba's directory, a plain sync installs liba (the member stood in).
    const here = await cli(
      join(root, "packages", "liba"),
      env,
      "sync",
      "--python",
      PY312,
      "--index-url",
      server.url,
    );
    expect(here.code, here.stderr).toBe(0);
    expect(installed(root)).toEqual(["dep_a==1.0", "liba==0.1.0"]);

    // A member's dependency group is locked with the workspace and installed for that member.
    const lint = await cli(
      root,
      env,
      ...["sync", "--python", PY312, "--index-url", server.url, "--package", "liba", "--group", "lint"],
    );
    expect(lint.code, lint.stderr).toBe(0);
    expect(installed(root)).toEqual(["dep_a==1.0", "extra_dep==1.0", "liba==0.1.0"]);

    // At the root: the root project and what it depends on (liba, through its workspace source).
    const atRoot = await cli(root, env, "sync", "--python", PY312, "--index-url", server.url);
    expect(atRoot.code, atRoot.stderr).toBe(0);
    expect(installed(root)).toEqual(["app==0.1.0", "dep_a==1.0", "liba==0.1.0"]);

    const all = await cli(root, env, "sync", "--python", PY312, "--index-url", server.url, "--all-packages");
    expect(all.code, all.stderr).toBe(0);
    expect(installed(root)).toEqual(["app==0.1.0", "dep_a==1.0", "dep_b==1.0", "liba==0.1.0", "libb==0.1.0"]);

    // Members are editable: an edit is seen without a re-sync.
    writeFileSync(join(root, "packages", "libb", "libb.py"), 'NAME = "edited"\n');
    const ran = await cli(
      root,
      env,
      ...["run", "--python", PY312, "--index-url", server.url, "--package", "libb"],
      ...["--", "python", "-c", "import libb; print(libb.NAME)"],
    );
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout.trim()).toBe("edited");

    // `add` in a member's directory edits that member's pyproject.toml; the lock stays at the root.
    const rootBefore = readFileSync(join(root, "pyproject.toml"), "utf8");
    const add = await cli(
      join(root, "packages", "libb"),
      env,
      ...["add", "late-dep", "--python", PY312, "--index-url", server.url],
    );
    expect(add.code, add.stderr).toBe(0);
    expect(readFileSync(join(root, "packages", "libb", "pyproject.toml"), "utf8")).toContain(
      '"late-dep>=1.0"',
    );
    expect(readFileSync(join(root, "pyproject.toml"), "utf8")).toBe(rootBefore);
    expect(readFileSync(join(root, "pylock.toml"), "utf8")).toContain('name = "late-dep"');
    expect(pylockAccepts(join(root, "pylock.toml"))).toBe("ok");
  }, 300_000);

  test("a member glob matching nothing is an error naming it", async () => {
    const root = mkdtempSync(join(tmpdir(), "lockstep-ws-glob-"));
    writePackage(root, "app", { tail: ["", "[tool.lockstep.workspace]", 'members = ["libs/*"]'] });
    const out = await cli(root, freshEnv(), "lock", "--index-url", server.url);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(
      `[tool.lockstep.workspace] members: "libs/*" matches no directory under ${root}`,
    );
    expect(out.stderr).toContain(join(root, "pyproject.toml"));
  }, 60_000);
});

describe("path sources", () => {
  test("a directory and an editable directory, edited and re-locked", async () => {
    const top = mkdtempSync(join(tmpdir(), "lockstep-paths-"));
    const app = join(top, "app");
    writePackage(join(top, "plainlib"), "plainlib", { deps: ["dep-a"] });
    writePackage(join(top, "devlib"), "devlib", { deps: ["dep-b"] });
    writePackage(app, "app", {
      deps: ["plainlib", "devlib"],
      tail: [
        "",
        "[tool.lockstep.sources.plainlib]",
        'path = "../plainlib"',
        "",
        "[tool.lockstep.sources.devlib]",
        'path = "../devlib"',
        "editable = true",
      ],
    });
    const env = freshEnv();
    const lock = await cli(app, env, "lock", "--index-url", server.url);
    expect(lock.code, lock.stderr).toBe(0);
    const text = readFileSync(join(app, "pylock.toml"), "utf8");
    expect(text).toContain('directory = { path = "../plainlib", editable = false }');
    expect(text).toContain('directory = { path = "../devlib", editable = true }');
    expect(text).toContain('name = "dep-b"\nversion = "2.0"');
    expect(pylockAccepts(join(app, "pylock.toml"))).toBe("ok");

    const sync = await cli(app, env, "sync", "--python", PY312, "--index-url", server.url);
    expect(sync.code, sync.stderr).toBe(0);
    expect(installed(app)).toEqual([
      "app==0.1.0",
      "dep_a==1.0",
      "dep_b==2.0",
      "devlib==0.1.0",
      "plainlib==0.1.0",
    ]);
    const direct = (name: string) =>
      JSON.parse(
        readFileSync(
          join(
            app,
            ".venv",
            "lib",
            "python3.12",
            "site-packages",
            `${name}-0.1.0.dist-info`,
            "direct_url.json",
          ),
          "utf8",
        ),
      ) as { dir_info?: { editable?: boolean } };
    expect(direct("devlib").dir_info?.editable).toBe(true);
    expect(direct("plainlib").dir_info?.editable).toBeUndefined();

    // The editable lib gains a dependency: the lock is stale, and a re-lock brings it in.
    writePackage(join(top, "devlib"), "devlib", { deps: ["dep-b", "late-dep"] });
    const stale = await cli(app, env, "lock", "--check", "--index-url", server.url);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain(
      "source of devlib changed (its metadata or location): directory ../devlib editable",
    );
    // A plain sync notices it too (the fast path watches path dependencies' pyproject.toml) and re-locks.
    const resync = await cli(app, env, "sync", "--python", PY312, "--index-url", server.url);
    expect(resync.code, resync.stderr).toBe(0);
    expect(readFileSync(join(app, "pylock.toml"), "utf8")).toContain('name = "late-dep"');
    expect(pylockAccepts(join(app, "pylock.toml"))).toBe("ok");
    expect(installed(app)).toContain("late_dep==1.0");

    // export: editables as `-e path`, other source trees as paths relative to the lock.
    const exported = await cli(app, env, "export", "--frozen", "--no-hashes");
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain("-e ../devlib\n");
    expect(exported.stdout).toContain("../plainlib\n");
    const tree = await cli(app, env, "tree", "--frozen");
    expect(tree.code, tree.stderr).toBe(0);
    expect(tree.stdout).toMatch(/devlib v0\.1\.0/);
    expect(tree.stdout).toMatch(/late-dep v1\.0/);
  }, 300_000);

  test("a local wheel and a local sdist: PEP 751 archive entries with their hash", async () => {
    const app = mkdtempSync(join(tmpdir(), "lockstep-paths-archives-"));
    const wheel = await download("local-wheel", ".whl", join(app, "dist"));
    const sdist = await download("local-sdist", ".tar.gz", join(app, "dist"));
    // A PEP 508 `name @ file://` requirement on a directory is a path source too.
    const filelib = join(app, "vendored", "filelib");
    writePackage(filelib, "filelib", { deps: ["late-dep"] });
    writePackage(app, "app", {
      deps: ["local-wheel", "local-sdist", `filelib @ ${pathToFileURL(filelib).href}`],
      tail: [
        "",
        "[tool.lockstep.sources.local-wheel]",
        `path = "dist/${wheel}"`,
        "",
        "[tool.lockstep.sources.local-sdist]",
        `path = "dist/${sdist}"`,
      ],
    });
    const env = freshEnv();
    const lock = await cli(app, env, "lock", "--index-url", server.url);
    expect(lock.code, lock.stderr).toBe(0);
    const text = readFileSync(join(app, "pylock.toml"), "utf8");
    expect(text).toMatch(
      new RegExp(
        `archive = \\{ path = "dist/${wheel.replace(/\./g, "\\.")}", size = \\d+, hashes = \\{ sha256 = "[0-9a-f]{64}" \\} \\}`,
      ),
    );
    expect(text).toContain(`archive = { path = "dist/${sdist}"`);
    // Their own dependencies are part of the graph.
    expect(text).toContain('name = "dep-a"');
    expect(text).toContain('name = "extra-dep"');
    expect(text).toContain('directory = { path = "vendored/filelib", editable = false }');
    expect(text).toContain('name = "late-dep"');
    expect(pylockAccepts(join(app, "pylock.toml"))).toBe("ok");
    const sync = await cli(app, env, "sync", "--python", PY312, "--index-url", server.url);
    expect(sync.code, sync.stderr).toBe(0);
    expect(installed(app)).toEqual([
      "app==0.1.0",
      "dep_a==1.0",
      "extra_dep==1.0",
      "filelib==0.1.0",
      "late_dep==1.0",
      "local_sdist==1.0",
      "local_wheel==1.0",
    ]);
  }, 300_000);

  test("add ../lib --editable writes the name and a path source; a bad path changes nothing", async () => {
    const top = mkdtempSync(join(tmpdir(), "lockstep-paths-add-"));
    writePackage(join(top, "devlib"), "devlib", { deps: ["dep-a"] });
    writePackage(join(top, "app"), "app");
    const env = freshEnv();
    // Typed from a subdirectory: the source path is still relative to app/pyproject.toml.
    mkdirSync(join(top, "app", "sub"));
    const add = await cli(
      join(top, "app", "sub"),
      env,
      ...["add", "../../devlib", "--editable", "--no-sync", "--index-url", server.url],
    );
    expect(add.code, add.stderr).toBe(0);
    const pyproject = readFileSync(join(top, "app", "pyproject.toml"), "utf8");
    expect(pyproject).toContain('dependencies = [\n    "devlib>=0.1.0",\n]');
    expect(pyproject).toContain(
      '[tool.lockstep.sources]\ndevlib = { path = "../devlib", editable = true }\n',
    );
    const lock = readFileSync(join(top, "app", "pylock.toml"), "utf8");
    expect(lock).toContain('directory = { path = "../devlib", editable = true }');
    expect(lock).toContain('name = "dep-a"');

    const bad = await cli(join(top, "app"), env, "add", "../nowhere", "--no-sync", "--index-url", server.url);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`Cannot add "../nowhere": the path ${join(top, "nowhere")} does not exist`);
    expect(readFileSync(join(top, "app", "pyproject.toml"), "utf8")).toBe(pyproject);
  }, 120_000);

  test("a path that does not exist names pyproject.toml, the entry and the path", async () => {
    const top = mkdtempSync(join(tmpdir(), "lockstep-paths-missing-"));
    writePackage(top, "app", {
      deps: ["gone"],
      tail: ["", "[tool.lockstep.sources]", 'gone = { path = "../nowhere/gone" }'],
    });
    const out = await cli(top, freshEnv(), "lock", "--index-url", server.url);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(join(top, "pyproject.toml"));
    expect(out.stderr).toContain(
      `[tool.lockstep.sources] gone = { path = "../nowhere/gone" }: the path "${join(top, "..", "nowhere", "gone")}" does not exist`,
    );
  }, 60_000);
});
