/**
 * The command line's side of settings precedence (the rule itself is `resolveSettings` in
 * `@lockstep/project/settings`): gather the flags as parsed, the environment and — only when the
 * file exists — the user config file, resolve, and write the effective values back into the parsed
 * arguments under the flags' names, so every command sees one set of values whatever layer they came
 * from (and `sync`'s no-op key and the lock's recorded inputs include an index URL that came from
 * `LOCKSTEP_INDEX_URL`). Values from `[tool.lockstep]` are not written back: the project layer
 * applies them itself; a user config value for a key the project also sets is dropped here, which
 * needs the project's raw table, read only in that case.
 *
 * Also the settings that act before any command: `--directory` (chdir first, so relative paths and
 * the project search start there), `--no-cache` (a temporary cache directory removed at exit) and a
 * `--cache-dir` that is not a directory (named, instead of a raw ENOTDIR deep inside).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { resolveSettings, SETTINGS, userConfigPath } from "@lockstep/project/settings";
import type { ResolvedSettings, SettingInputs, SettingLayer, Settings } from "@lockstep/project/settings";

/** Where `--directory` leads; throws naming the directory when it is not one. */
export function changeDirectory(dir: string | undefined): void {
  if (dir === undefined) return;
  try {
    process.chdir(dir);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "is not a directory";
    throw new LockstepError("directory-missing", `--directory: ${JSON.stringify(dir)} ${reason}`);
  }
}

/** The flag layer: each setting's flag as parsed (absent when not given). */
function flagLayer(args: Record<string, unknown>): SettingLayer {
  const layer: SettingLayer = {};
  for (const spec of SETTINGS) {
    // yargs leaves a boolean flag that was not given undefined; `false` only from an explicit flag.
    if (spec.flag && args[spec.key] !== undefined) layer[spec.key] = args[spec.key];
  }
  return layer;
}

/** The pyproject.toml the project layer would read, for the raw `[tool.lockstep]` table. */
async function projectLayer(args: Record<string, unknown>): Promise<SettingInputs["project"]> {
  try {
    const [{ locateProject }, { readLockstepTable }] = await Promise.all([
      import("@lockstep/project"),
      import("@lockstep/project/settings-files"),
    ]);
    const located = locateProject({ project: args.project as string | undefined });
    return readLockstepTable(located.project.path);
  } catch {
    // No project (or a broken one): the command reports that itself; no project layer here.
    return undefined;
  }
}

/**
 * Resolve every setting and write the effective flag/env/user values back into `args` (kebab
 * keys). Returns the resolution (values and sources), e.g. for `-v` logging.
 */
export async function applySettings(
  args: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedSettings> {
  const inputs: SettingInputs = { flags: flagLayer(args), env };
  const path = userConfigPath(env, homedir());
  if (statSync(path, { throwIfNoEntry: false })?.isFile()) {
    const { readUserConfig } = await import("@lockstep/project/settings-files");
    inputs.userConfig = readUserConfig(path);
  }
  let resolved = resolveSettings(inputs);
  // A user config value may be overridden by [tool.lockstep]: only then is the project's table read.
  const needsProject = SETTINGS.some((s) => s.project && resolved.sources[s.key] === "user");
  if (needsProject) resolved = resolveSettings({ ...inputs, project: await projectLayer(args) });
  for (const spec of SETTINGS) {
    const source = resolved.sources[spec.key];
    if (source === "default" || source === "project") continue;
    const value = resolved.values[spec.key];
    if (spec.key === "concurrent-downloads" || spec.key === "cache-ttl") {
      // The index client reads these from the environment.
      env[spec.env] = String(value);
      continue;
    }
    args[spec.key] = value;
  }
  checkCacheDir(args, resolved);
  if (resolved.values["no-cache"]) args["cache-dir"] = temporaryCache();
  return resolved;
}

function checkCacheDir(args: Record<string, unknown>, resolved: ResolvedSettings): void {
  const dir = args["cache-dir"] as string | undefined;
  if (dir === undefined || resolved.values["no-cache"]) return;
  const st = statSync(resolve(dir), { throwIfNoEntry: false });
  if (st && !st.isDirectory()) {
    const from =
      resolved.sources["cache-dir"] === "flag" ? "--cache-dir" : describeSource(resolved, "cache-dir");
    throw new LockstepError("cache-dir-not-directory", `${from}: ${JSON.stringify(dir)} is not a directory`, {
      hint: "give a directory (it is created when missing), or remove the file",
    });
  }
}

function describeSource(resolved: ResolvedSettings, key: keyof Settings): string {
  const spec = SETTINGS.find((s) => s.key === key);
  switch (resolved.sources[key]) {
    case "env":
      return spec?.env ?? key;
    case "user":
      return `the user config's ${key}`;
    default:
      return `--${key}`;
  }
}

/** A fresh cache directory, removed when the process exits (`--no-cache`). */
function temporaryCache(): string {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-no-cache-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
