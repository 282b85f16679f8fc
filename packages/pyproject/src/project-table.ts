/**
 * The `[project]` table: PEP 621 core metadata (as amended by PEP 639 for `license`/`license-files`
 * and PEP 794 for `import-names`/`import-namespaces`).
 *
 * Pitfalls:
 * - `name` is required and can never be dynamic; every other key is either given or listed in
 *   `dynamic`, never both; `version` must be one or the other.
 * - Extras compare by their normalized name (PEP 685): `Fast_IO` and `fast-io` are one extra, and
 *   declaring both is an error. Results are keyed by the normalized name.
 * - `console_scripts` and `gui_scripts` belong in `scripts`/`gui-scripts`, not `entry-points`.
 */

import { Version } from "@lockstep/pep440";
import type { SpecifierSet } from "@lockstep/pep440";
import type { Requirement } from "@lockstep/pep508";
import { canonicalizeName, isValidName } from "@lockstep/pep508";
import { describePath, isString, isTable } from "./problems";
import type { Problems } from "./problems";
import { parseSpecifiersAt, readRequirements } from "./requirements";

export const PROJECT_KEYS = [
  "name",
  "version",
  "description",
  "readme",
  "requires-python",
  "license",
  "license-files",
  "authors",
  "maintainers",
  "keywords",
  "classifiers",
  "urls",
  "scripts",
  "gui-scripts",
  "entry-points",
  "dependencies",
  "optional-dependencies",
  "import-names",
  "import-namespaces",
  "dynamic",
] as const;

export interface RequiresPython {
  /** As written, e.g. `">=3.9"`. */
  text: string;
  specifiers: SpecifierSet;
}

export interface ProjectMetadata {
  /** As written; `canonicalName` is the PEP 503 form. */
  name: string;
  canonicalName: string;
  version: string | undefined;
  description: string | undefined;
  dynamic: string[];
  requiresPython: RequiresPython | undefined;
  dependencies: Requirement[];
  /** Keyed by normalized extra name. */
  optionalDependencies: Record<string, Requirement[]>;
  scripts: Record<string, string>;
  guiScripts: Record<string, string>;
  entryPoints: Record<string, Record<string, string>>;
}

const NAME_RULE =
  'a name starts and ends with a letter or digit and otherwise holds only letters, digits, "-", "_" and "."';

export function readProjectTable(problems: Problems, value: unknown): ProjectMetadata | undefined {
  const table = problems.table(["project"], value);
  if (!table) return undefined;
  problems.unknownKeys(["project"], table, PROJECT_KEYS);

  const dynamic = readDynamic(problems, table);
  let name = "";
  if (table.name === undefined) {
    problems.report("missing-key", ["project"], 'missing required key "name" in [project]', { at: "key" });
  } else {
    const given = problems.string(["project", "name"], table.name);
    if (given !== undefined && !isValidName(given)) {
      problems.report(
        "invalid-name",
        ["project", "name"],
        `${JSON.stringify(given)} is not a valid project name: ${NAME_RULE}`,
      );
    }
    name = given ?? "";
  }

  let version: string | undefined;
  if (table.version !== undefined) {
    version = problems.string(["project", "version"], table.version);
    if (version !== undefined) {
      try {
        Version.parse(version);
      } catch {
        problems.report(
          "invalid-version",
          ["project", "version"],
          `${JSON.stringify(version)} is not a valid PEP 440 version`,
          {
            hint: 'versions look like "1.0", "2.1.3rc1" or "0.4.0.post1"',
          },
        );
      }
    }
  } else if (!dynamic.includes("version")) {
    problems.report(
      "missing-key",
      ["project"],
      '[project] must give "version" or list it in project.dynamic',
      {
        at: "key",
      },
    );
  }

  let requiresPython: RequiresPython | undefined;
  const rp = table["requires-python"];
  if (rp !== undefined) {
    const text = problems.string(["project", "requires-python"], rp);
    const specifiers =
      text === undefined ? undefined : parseSpecifiersAt(problems, ["project", "requires-python"], text);
    if (text !== undefined && specifiers) requiresPython = { text, specifiers };
  }

  checkMetadataTypes(problems, table);

  const entryPoints: Record<string, Record<string, string>> = {};
  const ep = table["entry-points"];
  if (ep !== undefined) {
    for (const [group, entries] of Object.entries(problems.table(["project", "entry-points"], ep) ?? {})) {
      const path = ["project", "entry-points", group];
      if (group === "console_scripts" || group === "gui_scripts") {
        const key = group === "console_scripts" ? "scripts" : "gui-scripts";
        problems.report(
          "invalid-entry-points",
          path,
          `entry point group ${JSON.stringify(group)} must be given as [project.${key}]`,
          { at: "key" },
        );
        continue;
      }
      const read = problems.stringTable(path, entries);
      if (read) entryPoints[group] = read;
    }
  }

  return {
    name,
    canonicalName: canonicalizeName(name),
    version,
    description:
      table.description === undefined
        ? undefined
        : problems.string(["project", "description"], table.description),
    dynamic,
    requiresPython,
    dependencies:
      table.dependencies === undefined
        ? []
        : readRequirements(problems, ["project", "dependencies"], table.dependencies),
    optionalDependencies: readExtras(problems, table["optional-dependencies"]),
    scripts:
      table.scripts === undefined ? {} : (problems.stringTable(["project", "scripts"], table.scripts) ?? {}),
    guiScripts:
      table["gui-scripts"] === undefined
        ? {}
        : (problems.stringTable(["project", "gui-scripts"], table["gui-scripts"]) ?? {}),
    entryPoints,
  };
}

function readDynamic(problems: Problems, table: Record<string, unknown>): string[] {
  if (table.dynamic === undefined) return [];
  const dynamic = problems.stringArray(["project", "dynamic"], table.dynamic) ?? [];
  dynamic.forEach((key, i) => {
    const path = ["project", "dynamic", i];
    if (key === "name") {
      problems.report("invalid-dynamic", path, '"name" cannot be dynamic; give it in [project]');
    } else if (!(PROJECT_KEYS as readonly string[]).includes(key)) {
      problems.report(
        "invalid-dynamic",
        path,
        `${JSON.stringify(key)} in project.dynamic is not a [project] key`,
      );
    } else if (table[key] !== undefined) {
      problems.report(
        "invalid-dynamic",
        ["project", key],
        `${JSON.stringify(key)} is given in [project] and also listed in project.dynamic`,
        { at: "key" },
      );
    }
  });
  return dynamic;
}

function readExtras(problems: Problems, value: unknown): Record<string, Requirement[]> {
  const out: Record<string, Requirement[]> = {};
  if (value === undefined) return out;
  const table = problems.table(["project", "optional-dependencies"], value) ?? {};
  const seen = new Map<string, string>();
  for (const [extra, requirements] of Object.entries(table)) {
    const path = ["project", "optional-dependencies", extra];
    if (!isValidName(extra)) {
      problems.report(
        "invalid-name",
        path,
        `${JSON.stringify(extra)} is not a valid extra name: ${NAME_RULE}`,
        {
          at: "key",
        },
      );
      continue;
    }
    const normalized = canonicalizeName(extra);
    const previous = seen.get(normalized);
    if (previous !== undefined) {
      problems.report(
        "duplicate-extra",
        path,
        `extra ${JSON.stringify(extra)} is the same extra as ${JSON.stringify(previous)} (both normalize to ${JSON.stringify(normalized)})`,
        { at: "key" },
      );
      continue;
    }
    seen.set(normalized, extra);
    out[normalized] = readRequirements(problems, path, requirements);
  }
  return out;
}

/** The keys lockstep does not use still have to have the shape PEP 621 gives them. */
function checkMetadataTypes(problems: Problems, table: Record<string, unknown>): void {
  for (const key of ["keywords", "classifiers", "license-files", "import-names", "import-namespaces"]) {
    if (table[key] !== undefined) problems.stringArray(["project", key], table[key]);
  }
  if (table.urls !== undefined) problems.stringTable(["project", "urls"], table.urls);
  for (const key of ["readme", "license"] as const) {
    const value = table[key];
    if (value === undefined || isString(value)) continue;
    const path = ["project", key];
    if (!isTable(value)) {
      problems.report("invalid-type", path, `expected ${describePath(path)} to be a string or a table`);
      continue;
    }
    const allowed = key === "readme" ? ["file", "text", "content-type"] : ["file", "text"];
    problems.unknownKeys(path, value, allowed);
    for (const [k, v] of Object.entries(value)) if (allowed.includes(k)) problems.string([...path, k], v);
    if ((value.file === undefined) === (value.text === undefined)) {
      problems.report("invalid-type", path, `${describePath(path)} needs exactly one of "file" and "text"`);
    }
  }
  for (const key of ["authors", "maintainers"]) {
    const value = table[key];
    if (value === undefined) continue;
    const path = ["project", key];
    if (!problems.expect(path, value, "an array of tables", Array.isArray)) continue;
    value.forEach((person, i) => {
      const personTable = problems.table([...path, i], person);
      if (!personTable) return;
      problems.unknownKeys([...path, i], personTable, ["name", "email"]);
      for (const k of ["name", "email"])
        if (personTable[k] !== undefined) problems.string([...path, i, k], personTable[k]);
    });
  }
}
