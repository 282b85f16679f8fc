/**
 * Flags the project-administration commands (`init`, `venv`, `python`, `cache`, `version`) share:
 * `--output-format text|json` for the commands with data to give a script, and `--cache-dir` for
 * those that read the cache (when the global flags define it too, yargs keeps one option).
 *
 * Pitfall: JSON output is one document on stdout, 2-space indented and newline-terminated, the
 * same shape every command uses, so `jq` works on any of them.
 */
import type { Argv } from "yargs";
import type { Output } from "../output";

export interface OutputFormatArgs {
  "output-format"?: string | undefined;
}

export function outputFormatOption<T>(y: Argv<T>) {
  return y.option("output-format", {
    type: "string",
    choices: ["text", "json"],
    requiresArg: true,
    describe: "text for people, json for scripts",
  });
}

export function cacheDirOption<T>(y: Argv<T>) {
  return y.option("cache-dir", {
    type: "string",
    requiresArg: true,
    describe: "The cache directory (default: $LOCKSTEP_CACHE_DIR or ~/.cache/lockstep)",
  });
}

export function writeJson(out: Output, value: unknown): void {
  out.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
