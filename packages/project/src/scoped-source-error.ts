/**
 * The refusal of a `[tool.lockstep.sources]` entry narrowed by `extra` or `group` that lockstep
 * cannot honour: one declared by a workspace member other than the root (the root's are variants,
 * conditional-sources.ts), naming the pyproject.toml line, the package and the way out.
 *
 * uv applies such a source only to the requirement on the package that comes from that extra or
 * group; a member's extras and groups are the root's activation markers only by name, so rather than
 * apply the source to the wrong extra, it is refused.
 *
 * Pitfall: `Source` carries no position, so the line is found in the file's text: the first
 * `extra = "…"`/`group = "…"` with that value after the package's key in the sources table (or its
 * `[tool.lockstep.sources.NAME]` table); the message leaves the line out when none matches.
 */
import { readFileSync } from "node:fs";
import { LockstepError } from "@lockstep/errors";
import type { Project, Source } from "@lockstep/pyproject";

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The 1-based line of `name`'s source narrowed by `key = value`, when the text shows it. */
export function scopedSourceLine(text: string, name: string, key: string, value: string): number | undefined {
  const nameRe = escape(name).replace(/(\\\.|-|_)/g, "[-_.]");
  const lines = text.split(/\r?\n/);
  const keyLine = new RegExp(`^\\s*["']?${nameRe}["']?\\s*=`, "i");
  const ownTable = new RegExp(`^\\s*\\[\\s*tool\\.lockstep\\.sources\\.["']?${nameRe}["']?\\s*\\]`, "i");
  const scope = new RegExp(`\\b${key}\\s*=\\s*(["'])${escape(value)}\\1`);
  let inSources = false;
  let start: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^\s*\[/.test(line)) {
      inSources = /^\s*\[\s*tool\.lockstep\.sources\s*\]/.test(line);
      if (ownTable.test(line)) start = i;
      else if (start !== undefined) return undefined;
      continue;
    }
    if (start === undefined && inSources && keyLine.test(line)) start = i;
    if (start !== undefined && scope.test(line)) return i + 1;
  }
  return undefined;
}

export class ScopedSourceError extends LockstepError {}

/** The error for `name`'s `source` in `project`, narrowed by `extra` or `group`. */
export function scopedSourceError(project: Project, name: string, source: Source): ScopedSourceError {
  const key = source.extra !== undefined ? "extra" : "group";
  const value = (source.extra ?? source.group) as string;
  let line: number | undefined;
  try {
    line = scopedSourceLine(readFileSync(project.path, "utf8"), name, key, value);
  } catch {
    line = undefined;
  }
  const where = line === undefined ? project.path : `${project.path}:${line}`;
  const from = key === "extra" ? `the extra \`${value}\`` : `the dependency group \`${value}\``;
  return new ScopedSourceError(
    "source-scope-unsupported",
    `${where}: [tool.lockstep.sources] ${name}: a source narrowed by ${key} = ${JSON.stringify(value)} (used only for ${name} required by ${from}) is not supported yet`,
    {
      hint: `declare it in the workspace root's pyproject.toml (a member's scoped sources are not supported), or remove \`${key} = ${JSON.stringify(value)}\` to use this source everywhere, or split the sources by environment with \`marker\` (e.g. marker = "sys_platform == 'linux'")`,
    },
  );
}
