/**
 * `lockstep sync --lockfile PATH`: make a venv match any tool's valid `pylock.toml` (PEP 751), with no
 * pyproject.toml needed — the lock is the whole input, as with `pip install -r pylock.toml`.
 *
 * The lock is read and validated (`readLock` collects every problem and refuses an invalid lock with
 * all of them); the venv is `$VIRTUAL_ENV` if set, else `.venv` in the working directory, created
 * with `--python` (or any interpreter) when absent. What the lock selects for the interpreter
 * (`selectForEnvironment`: markers, `requires-python`, environments, wheel tags; extras and groups
 * from the flags, the lock's `default-groups` otherwise) is installed exactly (or `--inexact`).
 *
 * Pitfalls: a lock from another tool has no `[tool.lockstep]`, so nothing here may rely on it; files
 * are fetched by the URL the lock names and checked against its hashes, with no index page read; sdists
 * and source trees are built with build requirements from the indexes the lock's packages name (PyPI
 * when none); `vcs` entries are built from the git cache's checkout of their commit and `archive`
 * entries install like files of their kind (a `subdirectory` one built from that directory of the
 * unpacked archive), as in a project's sync (`planned-item.ts`); relative paths are relative to the
 * lock's directory; the project fast-path state of a
 * venv this changes is cleared, so a later project `sync` does not take the venv for in sync.
 */
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { readLock } from "@lockstep/lockfile";
import { createVenv, describe as describeInterpreter, findInterpreter, openVenv } from "@lockstep/python";
import { isNoop, planSync, readInstalled } from "@lockstep/sync";
import type { SyncEvent } from "@lockstep/sync";
import type { LinkMode } from "@lockstep/wheel";
import { LockMissingError } from "./lock-project";
import { plannedFromItem, withVcsUrl } from "./planned-item";
import { gitCheckouts } from "./remote-sources";
import { selectForInterpreter } from "./sync-project";
import type { SyncOutcome, VenvEvent } from "./sync-project";
import { clearState } from "./sync-state";
import type { Selection } from "./sync-state";

export interface SyncLockfileOptions extends Selection {
  lockfile: string;
  cwd?: string | undefined;
  python?: string | undefined;
  inexact: boolean;
  linkMode?: LinkMode | undefined;
  compileBytecode: boolean;
  dryRun: boolean;
  offline?: boolean | undefined;
  cacheDir?: string | undefined;
  lockstepVersion: string;
  env?: NodeJS.ProcessEnv;
  onVenv?: (event: VenvEvent) => void;
  onProgress?: (event: SyncEvent) => void;
}

export async function syncLockfile(opts: SyncLockfileOptions): Promise<SyncOutcome> {
  const started = performance.now();
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const lockPath = resolve(cwd, opts.lockfile);
  let text: string;
  try {
    text = readFileSync(lockPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new LockMissingError(opts.lockfile, "--lockfile");
    throw err;
  }
  const lock = readLock(text, lockPath);
  const { IndexClient, defaultCacheDir } = await import("@lockstep/index");
  const cacheDir = opts.cacheDir ?? defaultCacheDir(env);
  const venvRoot = env.VIRTUAL_ENV ? resolve(cwd, env.VIRTUAL_ENV) : resolve(cwd, ".venv");
  let opened = openVenv(venvRoot, cacheDir);
  let created = false;
  if (!opened) {
    const info = findInterpreter({ request: opts.python, projectDir: cwd, cacheDir, env });
    opts.onVenv?.({
      root: venvRoot,
      python: describeInterpreter(info),
      pythonPath: info.path,
      dryRun: opts.dryRun,
    });
    if (!opts.dryRun) {
      createVenv(venvRoot, info, {
        clear: true,
        prompt: basename(cwd),
        lockstepVersion: opts.lockstepVersion,
        cacheDir,
      });
      created = true;
      opened = openVenv(venvRoot, cacheDir);
    }
    if (!opened) {
      const { venvLayout } = await import("@lockstep/python");
      opened = { venv: venvLayout(venvRoot, info), info };
    }
  }
  const { venv, info } = opened;
  const items = selectForInterpreter(lock, info, opts);
  const installed = created ? new Map() : readInstalled(venv.sitePackages);
  const lockDir = dirname(lockPath);
  // git entries are built from the cached checkout of their commit (fetched when not cached yet).
  const checkouts = await gitCheckouts(
    items.map((i) => withVcsUrl(i, lockDir)),
    cacheDir,
    opts.offline,
  );
  const selected = items.map((i) =>
    plannedFromItem(i, {
      lockDir,
      checkouts,
      versionOf: (item) => installed.get(item.name)?.version ?? "0",
    }),
  );
  const plan = planSync(selected, installed, { inexact: opts.inexact });
  const auditMs = performance.now() - started;
  const lockOutcome = {
    kind: "frozen" as const,
    lockPath,
    packages: lock.packages.length,
    ms: auditMs,
    warnings: [],
  };
  if (opts.dryRun)
    return { lock: lockOutcome, venv: venv.root, selected, plan, result: undefined, auditMs, warnings: [] };
  if (!isNoop(plan)) clearState(venv.root);

  const indexes = [...new Set(lock.packages.map((p) => p.index).filter((i): i is string => i !== undefined))];
  const client = new IndexClient({
    indexes: indexes.map((url, i) => ({ url, ...(i === 0 ? { default: true } : {}) })),
    cacheDir,
    offline: opts.offline === true,
  });
  const { executeBuildingSources } = await import("./build-env-installer");
  try {
    const result = await executeBuildingSources(plan, { venv, interpreter: info, client, cacheDir }, opts);
    return { lock: lockOutcome, venv: venv.root, selected, plan, result, auditMs, warnings: result.warnings };
  } finally {
    client.close();
  }
}
