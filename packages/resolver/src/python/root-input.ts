/**
 * The project being locked, as the resolver sees it: its name and version, and its requirements
 * by where they come from (dependencies, optional-dependencies, dependency groups).
 *
 * All three count as "first-party" for the rules that look at what the user wrote: explicit
 * pre-releases, yanked pins and `lowest-direct`.
 */
import type { Version } from "@lockstep/pep440";
import type { Requirement } from "@lockstep/pep508";

/** The root's requirements, by where they come from. */
export interface RootInput {
  name: string;
  version: Version;
  dependencies: Requirement[];
  /** extra name → requirements (the project's optional-dependencies). */
  extras: Map<string, Requirement[]>;
  /** group name → requirements. */
  groups: Map<string, Requirement[]>;
}

/** Every requirement the project itself declares, whatever table it sits in. */
export function firstPartyRequirements(root: RootInput): Requirement[] {
  return [...root.dependencies, ...[...root.extras.values()].flat(), ...[...root.groups.values()].flat()];
}
