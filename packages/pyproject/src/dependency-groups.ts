/**
 * `[dependency-groups]`: PEP 735 dependency groups, with `{include-group = "..."}` expanded.
 *
 * Pitfalls:
 * - Group names compare normalized (like package names): `Test` and `test` are one group, declaring
 *   both is an error, and an include may use any spelling.
 * - An include cycle (`a` includes `b` includes `a`) is an error, reported at the include that
 *   closes it, naming the whole cycle.
 * - An include table holds exactly the key `include-group`.
 */

import type { Requirement } from "@lockstep/pep508";
import { canonicalizeName, isValidName } from "@lockstep/pep508";
import { isString, isTable } from "./problems";
import type { Problems } from "./problems";
import { parseRequirementAt } from "./requirements";

type Item =
  { kind: "requirement"; requirement: Requirement } | { kind: "include"; group: string; index: number };

interface Group {
  /** As written in the file. */
  key: string;
  items: Item[];
}

/** Read and expand the groups; the result is keyed by normalized group name. */
export function readDependencyGroups(problems: Problems, value: unknown): Record<string, Requirement[]> {
  if (value === undefined) return {};
  const table = problems.table(["dependency-groups"], value);
  if (!table) return {};
  const groups = new Map<string, Group>();
  for (const [key, raw] of Object.entries(table)) {
    const path = ["dependency-groups", key];
    if (!isValidName(key)) {
      problems.report("invalid-name", path, `${JSON.stringify(key)} is not a valid dependency group name`, {
        at: "key",
      });
      continue;
    }
    const name = canonicalizeName(key);
    const previous = groups.get(name);
    if (previous) {
      problems.report(
        "duplicate-group",
        path,
        `dependency group ${JSON.stringify(key)} is the same group as ${JSON.stringify(previous.key)} (both normalize to ${JSON.stringify(name)})`,
        { at: "key" },
      );
      continue;
    }
    const items: Item[] = [];
    if (problems.expect(path, raw, "an array of requirements and include-group tables", Array.isArray)) {
      raw.forEach((item, i) => {
        const itemPath = [...path, i];
        if (isString(item)) {
          const requirement = parseRequirementAt(problems, itemPath, item);
          if (requirement) items.push({ kind: "requirement", requirement });
        } else if (isTable(item)) {
          problems.unknownKeys(itemPath, item, ["include-group"]);
          const include = item["include-group"];
          if (include === undefined) {
            problems.report("invalid-include", itemPath, 'expected a table {include-group = "<group>"}');
          } else {
            const target = problems.string([...itemPath, "include-group"], include);
            if (target !== undefined) items.push({ kind: "include", group: target, index: i });
          }
        } else {
          problems.report(
            "invalid-type",
            itemPath,
            `expected dependency-groups.${key}[${i}] to be a requirement string or {include-group = "<group>"}`,
          );
        }
      });
    }
    groups.set(name, { key, items });
  }
  return expand(problems, groups);
}

function expand(problems: Problems, groups: Map<string, Group>): Record<string, Requirement[]> {
  const done = new Map<string, Requirement[]>();
  const reported = new Set<string>();

  const visit = (name: string, stack: string[]): Requirement[] => {
    const cached = done.get(name);
    if (cached) return cached;
    const group = groups.get(name) as Group;
    const out: Requirement[] = [];
    for (const item of group.items) {
      if (item.kind === "requirement") {
        out.push(item.requirement);
        continue;
      }
      const target = canonicalizeName(item.group);
      const path = ["dependency-groups", group.key, item.index, "include-group"];
      const included = groups.get(target);
      if (!included) {
        problems.report(
          "unknown-group",
          path,
          `dependency group ${JSON.stringify(group.key)} includes ${JSON.stringify(item.group)}, which is not defined in [dependency-groups]`,
        );
        continue;
      }
      const at = [...stack, name].indexOf(target);
      if (at !== -1) {
        const cycle = [...stack, name].slice(at).map((n) => groups.get(n)?.key ?? n);
        const key = [...cycle].sort().join(" ");
        if (!reported.has(key)) {
          reported.add(key);
          const text = [...cycle, included.key].join(" -> ");
          const message =
            cycle.length === 1
              ? `dependency group ${JSON.stringify(group.key)} includes itself`
              : `dependency groups include each other in a cycle: ${text}`;
          problems.report("group-cycle", path, message);
        }
        continue;
      }
      out.push(...visit(target, [...stack, name]));
    }
    done.set(name, out);
    return out;
  };

  const result: Record<string, Requirement[]> = {};
  for (const name of groups.keys()) result[name] = visit(name, []);
  return result;
}
