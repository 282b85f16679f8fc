/**
 * `[tool.lockstep.workspace]`: `members` and `exclude`, glob patterns of directories relative to the
 * workspace root, as uv's `[tool.uv.workspace]`.
 *
 * Pitfall: patterns are `/`-separated on every platform and must stay inside the root (no absolute
 * paths, no `..`), or the lockfile would depend on where the checkout lives.
 */

import type { Problems } from "./problems";

export interface WorkspaceTable {
  members: string[];
  exclude: string[];
}

export function readWorkspaceTable(problems: Problems, value: unknown): WorkspaceTable | undefined {
  const base = ["tool", "lockstep", "workspace"];
  const table = problems.table(base, value);
  if (!table) return undefined;
  problems.unknownKeys(base, table, ["members", "exclude"]);
  const read = (key: "members" | "exclude"): string[] => {
    if (table[key] === undefined) return [];
    const patterns = problems.stringArray([...base, key], table[key]) ?? [];
    return patterns.filter((pattern, i) => {
      const bad =
        pattern === "" ||
        pattern.startsWith("/") ||
        /^[A-Za-z]:/.test(pattern) ||
        pattern.split(/[\\/]/).includes("..");
      if (bad) {
        problems.report(
          "invalid-glob",
          [...base, key, i],
          `${JSON.stringify(pattern)} must be a relative path pattern inside the workspace root`,
        );
      }
      return !bad;
    });
  };
  return { members: read("members"), exclude: read("exclude") };
}
