/**
 * The files behind two layers of `resolveSettings` (`settings.ts`): the user config file
 * (`lockstep.toml`, the same keys as `[tool.lockstep]`, top level) and a project's raw
 * `[tool.lockstep]` table. Kept apart from `settings.ts` because it loads a TOML parser, which the
 * CLI does only when a user config file exists.
 *
 * Pitfalls: a missing user config file is no error (most users have none); one that does not parse,
 * or holds a key lockstep does not know, is an error naming the file (a typo would otherwise be
 * silently ignored). A pyproject.toml that does not parse yields no project layer here: the project
 * layer reports it properly when it reads the file.
 */
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { FileError } from "@lockstep/errors";
import { closestName, USER_CONFIG_KEYS } from "./settings";

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new FileError("file-read", path, {}, `cannot read the user config file: ${(err as Error).message}`);
  }
}

/** The user config file's table, or undefined when there is none. */
export function readUserConfig(path: string): { path: string; table: Record<string, unknown> } | undefined {
  const text = readOptional(path);
  if (text === undefined) return undefined;
  let table: Record<string, unknown>;
  try {
    table = parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new FileError(
      "user-config-toml",
      path,
      {},
      `not valid TOML: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  for (const key of Object.keys(table)) {
    if (USER_CONFIG_KEYS.includes(key)) continue;
    const near = closestName(key, USER_CONFIG_KEYS);
    throw new FileError("user-config-key", path, {}, `unknown key \`${key}\``, {
      hint: near ? `did you mean \`${near}\`?` : `the keys are: ${USER_CONFIG_KEYS.join(", ")}`,
    });
  }
  return { path, table };
}

/** The raw `[tool.lockstep]` table of the pyproject.toml at `path` (empty when absent or unreadable). */
export function readLockstepTable(path: string): { path: string; table: Record<string, unknown> } {
  const text = readOptional(path);
  let doc: Record<string, unknown> = {};
  try {
    doc = text === undefined ? {} : (parse(text) as Record<string, unknown>);
  } catch {
    doc = {};
  }
  const tool = doc.tool as Record<string, unknown> | undefined;
  const table = tool && typeof tool.lockstep === "object" && tool.lockstep !== null ? tool.lockstep : {};
  return { path, table: table as Record<string, unknown> };
}
