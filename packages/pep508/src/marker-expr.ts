/**
 * The parsed (not yet normalized) form of a PEP 508 marker: comparisons joined by `and`/`or`.
 *
 * Pitfalls: the legacy dotted names (`os.name`, `sys.platform`, `platform.machine`, ...) and
 * `python_implementation` are aliases and are resolved here, so nothing downstream sees them.
 * `extras` and `dependency_groups` are PEP 751's set-valued variables, only valid as
 * `'name' in extras`.
 */

/** The string-valued variables of a marker environment (PEP 508), in their canonical spelling. */
export const ENVIRONMENT_VARIABLES = [
  "implementation_name",
  "implementation_version",
  "os_name",
  "platform_machine",
  "platform_python_implementation",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_full_version",
  "python_version",
  "sys_platform",
] as const;

export type EnvironmentVariable = (typeof ENVIRONMENT_VARIABLES)[number];
export type MarkerVariable = EnvironmentVariable | "extra" | "extras" | "dependency_groups";

export type MarkerOperator = "<" | "<=" | "==" | "!=" | ">=" | ">" | "~=" | "===" | "in" | "not in";

export type Operand = { kind: "variable"; name: MarkerVariable } | { kind: "string"; value: string };

export interface Comparison {
  kind: "compare";
  left: Operand;
  op: MarkerOperator;
  right: Operand;
}

export type MarkerExpr = Comparison | { kind: "and" | "or"; items: MarkerExpr[] };

const ALIASES: Record<string, MarkerVariable> = {
  "os.name": "os_name",
  "sys.platform": "sys_platform",
  "platform.version": "platform_version",
  "platform.machine": "platform_machine",
  "platform.python_implementation": "platform_python_implementation",
  python_implementation: "platform_python_implementation",
};

/** Resolves a spelled variable name (including legacy aliases) to its canonical name. */
export function canonicalVariable(spelled: string): MarkerVariable {
  return ALIASES[spelled] ?? (spelled as MarkerVariable);
}
