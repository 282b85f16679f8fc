/**
 * What markers are evaluated against: the interpreter's marker environment (PEP 508) and the
 * install context (the extra being evaluated, and PEP 751's selected extras and groups).
 *
 * Pitfalls: with no `extra` in the context, `extra` is the empty string (as in pypa/packaging),
 * so `extra != 'x'` is true and `extra == 'x'` false. Extra and group names compare normalized.
 */

export interface MarkerEnvironment {
  implementation_name: string;
  implementation_version: string;
  os_name: string;
  platform_machine: string;
  platform_python_implementation: string;
  platform_release: string;
  platform_system: string;
  platform_version: string;
  python_full_version: string;
  python_version: string;
  sys_platform: string;
}

/** PEP 751 markers: `'x' in extras`, `'g' in dependency_groups`; `extra` for core metadata. */
export interface MarkerContext {
  extra?: string;
  extras?: readonly string[];
  dependencyGroups?: readonly string[];
}
