/**
 * `why`, `verify`, `upgrade`, lock's change reasons and `sync --lockfile`, in-process through `main`
 * against a small fixture universe served on 127.0.0.1. One project is carried through the steps in
 * order (lock, sync, then the audits), as a user would; the venv uses CPython 3.12.1.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildUniverse, startIndexServer } from "@lockstep/fixtures";
import type { BuiltIndex, IndexServer } from "@lockstep/fixtures";
import { main } from "../run-cli";
import { installedDistributions } from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-audit-cache-"));
const project = join(mkdtempSync(join(tmpdir(), "lockstep-audit-")), "audit-app");
const site = join(project, ".venv", "lib", "python3.12", "site-packages");
let server: IndexServer;
let built: BuiltIndex;
delete process.env.VIRTUAL_ENV;
delete process.env.LOCKSTEP_PROJECT_ENVIRONMENT;

async function lockstep(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main([...argv, "--project", project, "--cache-dir", cacheDir], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

function pyproject(dependencies: string[], dev: string[] = ["test-lib"]): void {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  writeFileSync(
    join(project, "pyproject.toml"),
    `[project]\nname = "audit-app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n` +
      `dependencies = ${list(dependencies)}\n\n[dependency-groups]\ndev = ${list(dev)}\n\n` +
      `[tool.lockstep]\npackage = false\n\n[[tool.lockstep.index]]\nname = "fixture"\nurl = "${server.url}"\ndefault = true\n`,
  );
}

const lib = (name: string) => ({
  [`${name.replace(/-/g, "_")}/__init__.py`]: `NAME = ${JSON.stringify(name)}\n`,
});

beforeAll(async () => {
  built = await buildUniverse({
    name: "lockstep-cli-audit",
    packages: {
      "web-lib": {
        versions: {
          "1.0.0": { requiresDist: ["idna-lib>=2"], files: lib("web-lib") },
          "2.0.0": {
            requiresDist: ["socks-lib>=1.5; extra == 'socks'", "idna-lib>=2"],
            files: lib("web-lib"),
          },
        },
      },
      "socks-lib": {
        versions: { "1.5.0": { files: lib("socks-lib") }, "1.7.1": { files: lib("socks-lib") } },
      },
      "idna-lib": {
        versions: {
          "2.0": { files: lib("idna-lib") },
          "3.4": { files: lib("idna-lib") },
          "3.7": { files: lib("idna-lib") },
        },
      },
      "test-lib": {
        versions: {
          "8.0": {
            requiresDist: ["idna-lib>=3; sys_platform == 'win32'", "plain-lib"],
            files: lib("test-lib"),
          },
        },
      },
      "plain-lib": { versions: { "1.0": { files: lib("plain-lib") } } },
    },
  });
  server = await startIndexServer(built);
  mkdirSync(project, { recursive: true });
  pyproject(["web-lib[socks]>=1.0; python_version >= '3.9'"]);
  const lock = await lockstep(["lock"]);
  if (lock.code !== 0) throw new Error(lock.stderr);
  const sync = await lockstep(["sync", "--python", PY312]);
  if (sync.code !== 0) throw new Error(sync.stderr);
}, 120_000);
afterAll(() => server?.close());

describe("why", () => {
  test("every chain from the project, with markers, extras and groups on each edge", async () => {
    const res = await lockstep(["why", "idna-lib"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe(
      "idna-lib v3.7\n" +
        "audit-app → web-lib[socks]>=1.0 (python_version >= '3.9') → idna-lib>=2\n" +
        "audit-app (group: dev) → test-lib → idna-lib>=3 (sys_platform == 'win32')\n",
    );
  });

  test("an edge under `extra == …` is followed only when the extra was asked for", async () => {
    const res = await lockstep(["why", "socks-lib"]);
    expect(res.stdout).toBe(
      "socks-lib v1.7.1\naudit-app → web-lib[socks]>=1.0 (python_version >= '3.9') → socks-lib>=1.5 (extra == 'socks')\n",
    );
  });

  test.each([
    ["linux", ["audit-app → web-lib[socks]>=1.0 (python_version >= '3.9') → idna-lib>=2"]],
    [
      `sys_platform == "win32" and python_version == "3.12"`,
      [
        "audit-app → web-lib[socks]>=1.0 (python_version >= '3.9') → idna-lib>=2",
        "audit-app (group: dev) → test-lib → idna-lib>=3 (sys_platform == 'win32')",
      ],
    ],
  ])("--environment %s keeps the chains that apply there", async (environment, chains) => {
    const res = await lockstep(["why", "idna-lib", "--environment", environment]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trimEnd().split("\n").slice(1)).toEqual(chains);
  });

  test("an environment no chain applies in says so", async () => {
    const res = await lockstep(["why", "socks-lib", "--environment", "python_version < '3.9'"]);
    expect(res.stdout).toBe(
      "socks-lib v1.7.1 (in python_version < '3.9')\nNo chain brings socks-lib in for this environment\n",
    );
  });

  test("--output-format json gives each step", async () => {
    const res = await lockstep(["why", "socks-lib", "--output-format", "json"]);
    const data = JSON.parse(res.stdout) as { chains: unknown[][]; versions: string[] };
    expect(data.versions).toEqual(["1.7.1"]);
    expect(data.chains).toEqual([
      [
        {
          from: "audit-app",
          via: "dependencies",
          requirement: "web-lib[socks]>=1.0",
          marker: "python_version >= '3.9'",
          extras: ["socks"],
          to: { name: "web-lib", version: "2.0.0" },
        },
        {
          from: "web-lib",
          requirement: "socks-lib>=1.5",
          marker: "extra == 'socks'",
          extras: [],
          to: { name: "socks-lib", version: "1.7.1" },
        },
      ],
    ]);
  });

  test.each([
    ["idna-lb", "error: idna-lb is not in pylock.toml\n  hint: did you mean `idna-lib`?\n"],
    ["numpy", "error: numpy is not in pylock.toml\n  hint: `lockstep tree` lists what the lock holds\n"],
  ])("a name not in the lock (%s) is exit 1 with a hint", async (name, message) => {
    const res = await lockstep(["why", name]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(message);
  });
});

describe("verify", () => {
  test("a freshly synced venv is clean (exit 0)", async () => {
    const res = await lockstep(["verify"]);
    expect(res.stderr).toMatch(
      /^Verified 5 packages and \d+ files in .* against .*pylock\.toml\nThe environment matches the lock\n$/,
    );
    expect(res.stdout).toBe("");
    expect(res.code).toBe(0);
  });

  test("a modified file, a stray and a downgrade are named (exit 1); sync repairs all three", async () => {
    const saved = join(tmpdir(), `audit-saved-${process.pid}`);
    cpSync(site, saved, { recursive: true });
    appendFileSync(join(site, "plain_lib", "__init__.py"), "import os\n");
    mkdirSync(join(site, "stray_pkg-0.1.dist-info"));
    writeFileSync(
      join(site, "stray_pkg-0.1.dist-info", "METADATA"),
      "Metadata-Version: 2.1\nName: stray-pkg\nVersion: 0.1\n",
    );
    writeFileSync(join(site, "stray_pkg-0.1.dist-info", "RECORD"), "");
    renameSync(join(site, "idna_lib-3.7.dist-info"), join(site, "idna_lib-3.4.dist-info"));
    const res = await lockstep(["verify"]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe(
      "drift    idna-lib==3.4: 3.4 is installed, the lock has 3.7\n" +
        "tampered plain-lib==1.0: plain_lib/__init__.py does not match its RECORD hash\n" +
        "stray    stray-pkg==0.1: stray_pkg-0.1.dist-info is installed, the lock does not select it\n",
    );
    expect(res.stderr).toMatch(/\nFound 3 problems\n$/);
    const json = JSON.parse((await lockstep(["verify", "--output-format", "json"])).stdout) as {
      problems: Array<{ kind: string; name: string; path?: string }>;
    };
    expect(json.problems.map((p) => [p.kind, p.name, p.path])).toEqual([
      ["version", "idna-lib", undefined],
      ["modified", "plain-lib", "plain_lib/__init__.py"],
      ["stray", "stray-pkg", undefined],
    ]);
    rmSync(site, { recursive: true });
    cpSync(saved, site, { recursive: true });
    expect((await lockstep(["verify"])).code).toBe(0);
  });

  test("a wheel hash that is not the lock's is tampering", async () => {
    const file = join(site, "web_lib-2.0.0.dist-info", "lockstep-wheel.json");
    const original = readFileSync(file, "utf8");
    writeFileSync(
      file,
      JSON.stringify({ filename: "web_lib-2.0.0-py3-none-any.whl", sha256: "0".repeat(64) }),
    );
    const res = await lockstep(["verify"]);
    writeFileSync(file, original);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(
      `tampered web-lib==2.0.0: installed from web_lib-2.0.0-py3-none-any.whl (sha256:${"0".repeat(64)}), which is not a wheel the lock names\n`,
    );
  });

  test("a second .dist-info of an installed project is a stray", async () => {
    const second = join(site, "plain_lib-0.9.dist-info");
    mkdirSync(second);
    writeFileSync(join(second, "METADATA"), "Metadata-Version: 2.1\nName: plain-lib\nVersion: 0.9\n");
    writeFileSync(join(second, "RECORD"), "");
    const res = await lockstep(["verify"]);
    rmSync(second, { recursive: true });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(
      /\nstray {4}plain-lib==(0\.9|1\.0): plain_lib-(0\.9|1\.0)\.dist-info is a second \.dist-info of plain-lib\n/,
    );
    expect(res.stdout).toMatch(/^drift/);
  });

  test("--no-dev: the dev group's packages are strays", async () => {
    const res = await lockstep(["verify", "--no-dev"]);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain("stray    test-lib==8.0:");
    expect(res.stdout).toContain("stray    plain-lib==1.0:");
  });
});

describe("lock: the reason for each change", () => {
  const web = "web-lib[socks]>=1.0; python_version >= '3.9'";
  test.each<[string, string[], string[] | undefined, string[], string]>([
    [
      "a new requirement moves a version; dropping an extra leaves a package unrequired",
      ["web-lib>=1.0; python_version >= '3.9'", "idna-lib<3.5"],
      undefined,
      [],
      "Updated idna-lib v3.7 -> v3.4 (new requirement idna-lib<3.5)\nRemoved socks-lib v1.7.1 (no longer required)\n",
    ],
    [
      "a changed requirement brings a package back",
      [web, "idna-lib<3.5"],
      undefined,
      [],
      "Added socks-lib v1.7.1 (requirement changed: web-lib[socks]>=1.0; python_version >= '3.9')\n",
    ],
    [
      "--upgrade-package frees a version",
      [web],
      undefined,
      ["-P", "idna-lib"],
      "Updated idna-lib v3.4 -> v3.7 (--upgrade-package idna-lib)\n",
    ],
    [
      "a removed group requirement, and what only it needed",
      [web],
      [],
      [],
      "Removed plain-lib v1.0 (no longer required)\nRemoved test-lib v8.0 (requirement removed: test-lib (group dev))\n",
    ],
    [
      "a new group requirement and what it brings",
      [web],
      ["test-lib"],
      [],
      "Added plain-lib v1.0 (new requirement test-lib (group dev))\nAdded test-lib v8.0 (new requirement test-lib (group dev))\n",
    ],
  ])("%s", async (_title, dependencies, dev, flags, changes) => {
    pyproject(dependencies, dev);
    const res = await lockstep(["lock", ...flags]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr.replace(/^Resolved \d+ packages in [\d.]+m?s\n/, "")).toBe(changes);
  });
});

describe("upgrade", () => {
  const file = () => join(project, "pyproject.toml");
  const before = (index: string) =>
    `[project]\nname = "audit-app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = [\n` +
    `    # the web client\n    "web-lib[socks] >= 1.0; python_version >= '3.9'",\n` +
    `    'idna-lib>2,<4',  # kept below 4\n    "plain-lib==1.0",\n]\n\n` +
    `[dependency-groups]\ndev = ["test-lib", "socks-lib~=1.5"]\n\n` +
    `[tool.lockstep]\npackage = false\n\n[[tool.lockstep.index]]\nname = "fixture"\nurl = "${index}"\ndefault = true\n`;

  test("--dry-run prints the edits and writes nothing", async () => {
    writeFileSync(file(), before(server.url));
    const res = await lockstep(["upgrade", "--dry-run"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr.replace(/^Resolved \d+ packages in [\d.]+m?s\n(.*\n)*?(?=\[project\])/, "")).toBe(
      "[project].dependencies: web-lib[socks] >= 1.0; python_version >= '3.9' -> web-lib[socks]>=2.0.0; python_version >= '3.9'\n" +
        "[project].dependencies: idna-lib>2,<4 -> idna-lib>=3.7,<4\n" +
        `Dry run: would update ${file()} and lock\n`,
    );
    expect(readFileSync(file(), "utf8")).toBe(before(server.url));
  });

  test("raises >= and > bounds in place (comments, quotes, layout kept); pins, bare names and ~= stay", async () => {
    const res = await lockstep(["upgrade"]);
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(file(), "utf8")).toBe(
      before(server.url)
        .replace(
          `"web-lib[socks] >= 1.0; python_version >= '3.9'"`,
          `"web-lib[socks]>=2.0.0; python_version >= '3.9'"`,
        )
        .replace(`'idna-lib>2,<4'`, `'idna-lib>=3.7,<4'`),
    );
    expect(res.stderr).toContain("Updated 2 requirements in");
    expect((await lockstep(["lock", "--check"])).code).toBe(0);
    const again = await lockstep(["upgrade"]);
    expect(again.stderr).toContain("No lower bound to raise: pyproject.toml is unchanged\n");
  });

  test("only the named packages; a name that is no requirement is an error", async () => {
    writeFileSync(file(), before(server.url));
    await lockstep(["lock"]);
    const res = await lockstep(["upgrade", "IDNA_lib"]);
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(file(), "utf8")).toBe(
      before(server.url).replace(`'idna-lib>2,<4'`, `'idna-lib>=3.7,<4'`),
    );
    const bad = await lockstep(["upgrade", "numpy"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("error: numpy is not a requirement in pyproject.toml\n");
  });
});

describe("sync --lockfile: any tool's pylock.toml, no pyproject.toml", () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-foreign-lock-"));
  /** `main` run from `dir` (as `lockstep --directory dir …`), the working directory restored after. */
  async function lockstepIn(argv: string[]) {
    const cwd = process.cwd();
    let stdout = "";
    let stderr = "";
    try {
      const code = await main(["--directory", dir, ...argv, "--cache-dir", cacheDir], {
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
      });
      return { code, stdout, stderr };
    } finally {
      process.chdir(cwd);
    }
  }
  /** One `[[packages]]` entry as pip writes it: the wheel's URL on the fixture server and its sha256. */
  function entry(name: string, version: string, marker?: string): string {
    const file = (built.manifest.projects[name] ?? []).find(
      (f) => f.version === version && f.kind === "wheel",
    );
    if (!file) throw new Error(`no wheel for ${name} ${version}`);
    return (
      `[[packages]]\nname = "${name}"\nversion = "${version}"\n${marker ? `marker = "${marker}"\n` : ""}` +
      `\n[[packages.wheels]]\nname = "${file.filename}"\nurl = "${server.origin}/${file.path}"\n` +
      `size = ${file.size}\nhashes = { sha256 = "${file.sha256}" }\n\n`
    );
  }
  const foreign = () =>
    `lock-version = "1.0"\ncreated-by = "pip"\nrequires-python = ">=3.9"\n\n` +
    entry("idna-lib", "3.4") +
    entry("plain-lib", "1.0", "sys_platform == 'win32'") +
    entry("web-lib", "1.0.0");

  test("installs what the lock selects for the interpreter into ./.venv; verify --lockfile agrees", async () => {
    writeFileSync(join(dir, "pylock.toml"), foreign());
    const res = await lockstepIn(["sync", "--lockfile", "pylock.toml", "--python", PY312]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(`Read 3 packages from ${join(dir, "pylock.toml")}\n`);
    expect(res.stderr).toMatch(
      /Installed 2 packages in [\d.]+m?s\n \+ idna-lib==3\.4\n \+ web-lib==1\.0\.0\n$/,
    );
    expect(installedDistributions(join(dir, ".venv", "lib", "python3.12", "site-packages"))).toEqual([
      "idna-lib==3.4",
      "web-lib==1.0.0",
    ]);
    const verify = await lockstepIn(["verify", "--lockfile", "pylock.toml"]);
    expect(verify.code, verify.stdout).toBe(0);
    const again = await lockstepIn(["sync", "--lockfile", "pylock.toml"]);
    expect(again.stderr).toMatch(/Audited 2 packages in [\d.]+m?s\n$/);
  });

  test("a wheel whose bytes do not match the lock's hash is refused", async () => {
    const tampered = entry("idna-lib", "3.7").replace(/sha256 = "[0-9a-f]+"/, `sha256 = "${"1".repeat(64)}"`);
    writeFileSync(join(dir, "pylock.toml"), foreign().replace(entry("idna-lib", "3.4"), tampered));
    const res = await lockstepIn(["sync", "--lockfile", "pylock.toml"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("idna_lib-3.7-py3-none-any.whl");
  });

  test("an invalid lock is refused with every problem it has", async () => {
    writeFileSync(
      join(dir, "pylock.toml"),
      `lock-version = "1.0"\ncreated-by = "pip"\n\n[[packages]]\nname = "web-lib"\nversion = "not a version"\n`,
    );
    const res = await lockstepIn(["sync", "--lockfile", "pylock.toml"]);
    expect(res.code).toBe(1);
    expect(res.stderr.replaceAll(dir, "DIR")).toBe(
      "error: DIR/pylock.toml is not a valid PEP 751 lock file (2 problems):\n" +
        "  DIR/pylock.toml:6: package `web-lib`: `not a version` is not a valid PEP 440 version\n" +
        "  DIR/pylock.toml:4: package `web-lib not a version` has no source: it needs one of `vcs`, `directory`, `archive`, or `sdist`/`wheels`\n" +
        "  hint: Run `lockstep lock` to write a new lock file.\n",
    );
  });

  test.each([
    [["--locked"], "--locked"],
    [["--package", "a"], "--package"],
    [["--all-packages"], "--all-packages"],
  ])("project-only flags are refused with --lockfile: %j", async (flags, named) => {
    const res = await lockstepIn(["sync", "--lockfile", "pylock.toml", ...flags]);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      `error: --lockfile installs the lock as it is; ${named} applies to a project's lock only\n`,
    );
  });
});

describe("the built binary", () => {
  test("why without cached metadata (--offline, empty cache) keeps the lock's edges, markers unknown", async () => {
    pyproject(["web-lib[socks]>=1.0; python_version >= '3.9'"]);
    expect((await lockstep(["lock"])).code).toBe(0);
    const { buildBundle, run } = await import("../../testing");
    const { entry } = await buildBundle();
    const empty = mkdtempSync(join(tmpdir(), "lockstep-audit-empty-cache-"));
    const env = { ...process.env, NO_COLOR: "1" };
    const why = await run(
      process.execPath,
      [entry, "why", "plain-lib", "--offline", "--project", project, "--cache-dir", empty],
      { env },
    );
    expect(why.code, why.stderr).toBe(0);
    expect(why.stdout).toBe(
      "plain-lib v1.0\naudit-app (group: dev) → test-lib → plain-lib (marker unknown)\n",
    );
    expect(why.stderr).toContain(
      "warning: the core metadata of idna-lib, socks-lib, test-lib, web-lib could not be read, so the markers of their edges are unknown\n",
    );
    const sync = await run(process.execPath, [entry, "sync", "--project", project, "--cache-dir", cacheDir], {
      env,
    });
    expect(sync.code, sync.stderr).toBe(0);
    const verify = await run(
      process.execPath,
      [entry, "verify", "--project", project, "--cache-dir", cacheDir],
      { env },
    );
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stderr).toContain("The environment matches the lock\n");
  }, 120_000);
});
