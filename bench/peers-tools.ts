/**
 * The four tools `pnpm bench peers` runs, each as a user would, in its own project directory with
 * its own cache, all pointed at the same loopback index:
 *
 * - lockstep: the bundled CLI (`node <dist>/lockstep.mjs`), the index declared `default = true` in
 *   `[[tool.lockstep.index]]`, a private cache (`LOCKSTEP_CACHE_DIR`); sync links with its default (hardlink) and
 *   compiles no bytecode.
 * - pip 23 (`python3 -m pip`, the interpreter on PATH): "lock" is `install --dry-run
 *   --ignore-installed --report`, pinned results go to `pins.txt`; re-lock passes them back as
 *   constraints (as pip-compile does); sync is `python3 -m venv --without-pip` plus `pip --python
 *   .venv/bin/python install --no-deps --no-compile -r pins.txt`. pip resolves for this machine only.
 * - poetry 1.3 (Debian): source `default = true`, venv in the project, private cache and config,
 *   null keyring; install copies files and compiles bytecode (its default, through pip).
 * - pdm 2.2 (Debian): a private config file (cache_dir, no pyenv, no update check), source named
 *   `pypi`, venv in the project; `sync --no-self`.
 *
 * Every environment drops all `PIP_*` variables and sets `PIP_CONFIG_FILE=/dev/null` (the machine's
 * global pip config adds find-links, extra indexes and a constraints file), and points XDG
 * directories at the tool's private state so nothing is shared between runs or tools.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Cmd } from "./peers-process";

export type ToolName = "lockstep" | "pip" | "poetry" | "pdm";

export interface ProjectSpec {
  roots: string[];
  indexUrl: string;
  requiresPython: string;
}

export interface Tool {
  name: ToolName;
  dir: string;
  cache: string;
  lock(): Cmd[];
  relock(): Cmd[];
  check(): Cmd[] | undefined;
  upgrade(pkg: string): Cmd[];
  sync(): Cmd[];
  version(): Cmd[];
  lockFile: string;
  /** Called after each lock (untimed): pip writes its pins here. */
  afterLock(): void;
  /** Packages in the lock (the root project not counted). */
  lockedCount(): number;
  clearCache(): void;
  removeLock(): void;
  removeVenv(): void;
}

export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("PIP_") || k.startsWith("LOCKSTEP_") || k.startsWith("POETRY_") || k.startsWith("PDM_"))
      continue;
    if (k === "VIRTUAL_ENV" || k === "PYTHONPATH" || k === "CONDA_PREFIX") continue;
    env[k] = v;
  }
  return { ...env, PIP_CONFIG_FILE: "/dev/null", PYTHONDONTWRITEBYTECODE: "", ...extra };
}

function xdg(dir: string): Record<string, string> {
  return {
    XDG_CACHE_HOME: join(dir, ".state", "cache"),
    XDG_CONFIG_HOME: join(dir, ".state", "config"),
    XDG_DATA_HOME: join(dir, ".state", "data"),
  };
}

const splitReq = (req: string) => {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([^\]]*)\])?(.*)$/.exec(req.trim());
  if (!m) throw new Error(`cannot split requirement ${req}`);
  return { name: m[1] as string, extras: (m[2] ?? "").split(",").filter(Boolean), spec: (m[3] ?? "").trim() };
};

const toml = (s: string) => JSON.stringify(s);

function reset(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

function countMatches(file: string, re: RegExp): number {
  return existsSync(file) ? (readFileSync(file, "utf8").match(re)?.length ?? 0) : 0;
}

export function lockstepTool(base: string, bundle: string, p: ProjectSpec): Tool {
  const dir = join(base, "lockstep");
  const cache = join(base, "lockstep-cache");
  reset(dir);
  writeFileSync(
    join(dir, "pyproject.toml"),
    `[project]\nname = "bench-app"\nversion = "0.1.0"\nrequires-python = ${toml(p.requiresPython)}\n` +
      `dependencies = [${p.roots.map(toml).join(", ")}]\n\n` +
      `[[tool.lockstep.index]]\nname = "bench"\nurl = ${toml(p.indexUrl)}\ndefault = true\n`,
  );
  // The cache through the environment rather than --cache-dir: the variable works for every command.
  const env = cleanEnv({ ...xdg(dir), LOCKSTEP_CACHE_DIR: cache });
  const cli = (...args: string[]): Cmd => ({
    argv: [process.execPath, bundle, ...args],
    cwd: dir,
    env,
  });
  return {
    name: "lockstep",
    dir,
    cache,
    lockFile: join(dir, "pylock.toml"),
    lock: () => [cli("lock")],
    relock: () => [cli("lock")],
    check: () => [cli("lock", "--check")],
    upgrade: (pkg) => [cli("lock", "--upgrade-package", pkg)],
    sync: () => [cli("sync")],
    version: () => [{ argv: [process.execPath, bundle, "--version"], cwd: dir, env }],
    afterLock: () => {},
    lockedCount: () => countMatches(join(dir, "pylock.toml"), /^\[\[packages\]\]/gm),
    clearCache: () => rmSync(cache, { recursive: true, force: true }),
    removeLock: () => rmSync(join(dir, "pylock.toml"), { force: true }),
    removeVenv: () => rmSync(join(dir, ".venv"), { recursive: true, force: true }),
  };
}

export function pipTool(base: string, p: ProjectSpec): Tool {
  const dir = join(base, "pip");
  const cache = join(base, "pip-cache");
  reset(dir);
  writeFileSync(join(dir, "requirements.in"), p.roots.join("\n") + "\n");
  const env = cleanEnv(xdg(dir));
  const report = join(dir, "report.json");
  const pins = join(dir, "pins.txt");
  const common = [
    "--disable-pip-version-check",
    "--no-input",
    "--cache-dir",
    cache,
    "--index-url",
    p.indexUrl,
  ];
  const resolve = (...extra: string[]): Cmd => ({
    argv: [
      "python3",
      "-m",
      "pip",
      "install",
      "--dry-run",
      "--ignore-installed",
      "--quiet",
      "--report",
      report,
      ...common,
      "-r",
      "requirements.in",
      ...extra,
    ],
    cwd: dir,
    env,
  });
  const pinned = (): Array<[string, string]> => {
    if (!existsSync(report)) return [];
    const r = JSON.parse(readFileSync(report, "utf8")) as {
      install: Array<{ metadata: { name: string; version: string } }>;
    };
    return r.install.map((i) => [i.metadata.name, i.metadata.version]);
  };
  const canon = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");
  return {
    name: "pip",
    dir,
    cache,
    lockFile: pins,
    lock: () => [resolve()],
    relock: () => [resolve("-c", "pins.txt")],
    check: () => undefined,
    upgrade: (pkg) => {
      writeFileSync(
        join(dir, "pins-but-one.txt"),
        pinned()
          .filter(([n]) => canon(n) !== canon(pkg))
          .map(([n, v]) => `${n}==${v}\n`)
          .join(""),
      );
      return [resolve("-c", "pins-but-one.txt")];
    },
    sync: () => [
      { argv: ["python3", "-m", "venv", "--without-pip", ".venv"], cwd: dir, env },
      {
        argv: [
          "python3",
          "-m",
          "pip",
          "--python",
          join(dir, ".venv", "bin", "python"),
          "install",
          "--quiet",
          "--no-deps",
          "--no-compile",
          ...common,
          "-r",
          "pins.txt",
        ],
        cwd: dir,
        env,
      },
    ],
    version: () => [{ argv: ["python3", "-m", "pip", "--version"], cwd: dir, env }],
    afterLock: () => {
      writeFileSync(
        pins,
        pinned()
          .map(([n, v]) => `${n}==${v}\n`)
          .join(""),
      );
    },
    lockedCount: () => pinned().length,
    clearCache: () => rmSync(cache, { recursive: true, force: true }),
    removeLock: () => {
      rmSync(report, { force: true });
      rmSync(pins, { force: true });
    },
    removeVenv: () => rmSync(join(dir, ".venv"), { recursive: true, force: true }),
  };
}

export function poetryTool(base: string, p: ProjectSpec): Tool {
  const dir = join(base, "poetry");
  const cache = join(base, "poetry-cache");
  reset(dir);
  const deps = p.roots.map((r) => {
    const { name, extras, spec } = splitReq(r);
    const version = spec === "" ? "*" : spec;
    return extras.length === 0
      ? `${toml(name)} = ${toml(version)}`
      : `${toml(name)} = { version = ${toml(version)}, extras = [${extras.map(toml).join(", ")}] }`;
  });
  writeFileSync(
    join(dir, "pyproject.toml"),
    `[tool.poetry]\nname = "bench-app"\nversion = "0.1.0"\ndescription = ""\nauthors = ["bench <bench@example.invalid>"]\n\n` +
      `[tool.poetry.dependencies]\npython = ${toml(p.requiresPython)}\n${deps.join("\n")}\n\n` +
      `[[tool.poetry.source]]\nname = "bench"\nurl = ${toml(p.indexUrl)}\ndefault = true\n\n` +
      `[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n`,
  );
  const env = cleanEnv({
    ...xdg(dir),
    POETRY_VIRTUALENVS_IN_PROJECT: "true",
    POETRY_CACHE_DIR: cache,
    POETRY_CONFIG_DIR: join(dir, ".state", "poetry-config"),
    POETRY_NO_INTERACTION: "1",
    PYTHON_KEYRING_BACKEND: "keyring.backends.null.Keyring",
  });
  const poetry = (...args: string[]): Cmd => ({ argv: ["poetry", ...args], cwd: dir, env });
  return {
    name: "poetry",
    dir,
    cache,
    lockFile: join(dir, "poetry.lock"),
    lock: () => [poetry("lock")],
    relock: () => [poetry("lock", "--no-update")],
    check: () => [poetry("lock", "--check")],
    upgrade: (pkg) => [poetry("update", "--lock", pkg)],
    sync: () => [poetry("install", "--no-root", "--sync")],
    version: () => [poetry("--version")],
    afterLock: () => {},
    lockedCount: () => countMatches(join(dir, "poetry.lock"), /^\[\[package\]\]/gm),
    clearCache: () => rmSync(cache, { recursive: true, force: true }),
    removeLock: () => rmSync(join(dir, "poetry.lock"), { force: true }),
    removeVenv: () => rmSync(join(dir, ".venv"), { recursive: true, force: true }),
  };
}

export function pdmTool(base: string, p: ProjectSpec): Tool {
  const dir = join(base, "pdm");
  const cache = join(base, "pdm-cache");
  reset(dir);
  const config = join(base, "pdm-config.toml");
  writeFileSync(
    config,
    `cache_dir = ${toml(cache)}\ncheck_update = false\n\n[python]\nuse_pyenv = false\nuse_venv = true\n\n[venv]\nin_project = true\n`,
  );
  writeFileSync(
    join(dir, "pyproject.toml"),
    `[project]\nname = "bench-app"\nversion = "0.1.0"\nrequires-python = ${toml(p.requiresPython)}\n` +
      `dependencies = [${p.roots.map(toml).join(", ")}]\n\n` +
      `[[tool.pdm.source]]\nname = "pypi"\nurl = ${toml(p.indexUrl)}\nverify_ssl = false\n`,
  );
  const env = cleanEnv({ ...xdg(dir), PDM_CHECK_UPDATE: "false", PDM_CONFIG_FILE: config });
  const pdm = (...args: string[]): Cmd => ({ argv: ["pdm", ...args], cwd: dir, env });
  return {
    name: "pdm",
    dir,
    cache,
    lockFile: join(dir, "pdm.lock"),
    lock: () => [pdm("lock")],
    relock: () => [pdm("lock")],
    check: () => [pdm("lock", "--check")],
    upgrade: (pkg) => [pdm("update", "--no-sync", pkg)],
    sync: () => [pdm("sync", "--no-self")],
    version: () => [pdm("--version")],
    afterLock: () => {},
    lockedCount: () => countMatches(join(dir, "pdm.lock"), /^\[\[package\]\]/gm),
    clearCache: () => rmSync(cache, { recursive: true, force: true }),
    removeLock: () => rmSync(join(dir, "pdm.lock"), { force: true }),
    removeVenv: () => rmSync(join(dir, ".venv"), { recursive: true, force: true }),
  };
}
