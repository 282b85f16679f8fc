/**
 * Refusing a selection of extras and groups that the project declares conflicting
 * (`[tool.lockstep] conflicts`): the lock resolved them in separate forks, so installing two items
 * of one set together would mix versions that were never solved together (or, where the lock picked
 * one entry per fork, install neither coherently).
 *
 * Pitfall: default groups count as selected, so a default group that conflicts with a requested
 * extra is refused too; the message names where each item came from only by kind and name.
 */
import { LockstepError } from "@lockstep/errors";
import { canonicalizeName } from "@lockstep/pep508";
import type { ConflictItem } from "@lockstep/pyproject";

export class ConflictingSelectionError extends LockstepError {
  constructor(
    readonly items: readonly ConflictItem[],
    pyproject: string,
  ) {
    const kinds = new Set(items.map((i) => i.kind));
    const names =
      kinds.size === 1
        ? `The ${items[0]?.kind ?? "extra"}s ${listed(items.map((i) => `\`${i.name}\``))}`
        : `The ${listed(items.map((i) => `${i.kind} \`${i.name}\``))}`;
    const flags = items.map((i) => `\`--${i.kind} ${i.name}\``);
    super(
      "conflicting-selection",
      `${names} are declared as conflicting in ${pyproject} (\`[tool.lockstep] conflicts\`) and cannot be installed together`,
      { hint: `select one of them: ${listed(flags, "or")}` },
    );
  }
}

function listed(parts: string[], word = "and"): string {
  if (parts.length <= 2) return parts.join(` ${word} `);
  return `${parts.slice(0, -1).join(", ")} ${word} ${parts[parts.length - 1] ?? ""}`;
}

/** Throw when the selected extras and groups hold two or more items of one declared conflict set. */
export function checkConflictingSelection(
  conflicts: readonly (readonly ConflictItem[])[],
  extras: readonly string[],
  groups: readonly string[],
  pyproject = "pyproject.toml",
): void {
  const extraSet = new Set(extras.map(canonicalizeName));
  const groupSet = new Set(groups.map(canonicalizeName));
  for (const set of conflicts) {
    const active = set.filter(
      (i) => i.package === undefined && (i.kind === "extra" ? extraSet : groupSet).has(i.name),
    );
    if (active.length >= 2) throw new ConflictingSelectionError(active, pyproject);
  }
}
