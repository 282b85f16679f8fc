/**
 * What a Python resolution is asked to do. The CLI and the conformance runner fill this from
 * pyproject settings, flags or scenario options; the provider only reads it.
 */
import type { Marker, MarkerEnvironment, Requirement } from "@lockstep/pep508";
import type { SpecifierSet, Version } from "@lockstep/pep440";
import type { PrereleasePolicy, ResolutionStrategy } from "@lockstep/pyproject";
import type { TagPriority } from "@lockstep/wheel";
import type { ConflictSet } from "./conflicts";
import type { ConditionalSources, SourcePins } from "./source-pins";

export type ResolveTarget =
  /** One lock for every environment in `requires-python` (optionally narrowed by `environments`). */
  | {
      kind: "universal";
      environments?: Marker[] | undefined;
      requiredEnvironments?: Marker[] | undefined;
      /** Extras/groups of the root never installed together: each is solved in its own fork. */
      conflicts?: readonly ConflictSet[] | undefined;
    }
  /** One environment: markers evaluated, wheels filtered by tags (any wheel when `tags` is undefined). */
  | { kind: "specific"; markers: MarkerEnvironment; tags: TagPriority | undefined };

export interface ResolveOptions {
  target: ResolveTarget;
  /** The project's requires-python (universal: the range locked for; specific: checked against the target). */
  requiresPython: SpecifierSet | undefined;
  /** Specific mode: the Python version to resolve for (defaults to the markers' python_full_version). */
  pythonVersion?: Version | undefined;
  /** Which pre-releases may be chosen (the `[tool.lockstep]` setting's values); default if-necessary-or-explicit. */
  prerelease?: PrereleasePolicy;
  /** highest, lowest, or lowest for direct dependencies only; default highest. */
  resolution?: ResolutionStrategy;
  excludeNewer?: Date | undefined;
  constraints?: Requirement[];
  overrides?: Requirement[];
  /**
   * Preferred versions (from an existing lock): tried first when allowed. Keyed by name, or for a
   * package with several sources by `name key` (its `SourceVariant` key; the default variant by name).
   */
  preferences?: Map<string, Version>;
  /** `--upgrade` (true) or `--upgrade-package` names: preferences ignored for these. */
  upgrade?: boolean | Set<string>;
  /** Packages (canonical names) or "all" that must not use wheels / must not be built. */
  noBinary?: Set<string> | "all";
  noBuild?: Set<string> | "all";
  /** Packages whose source is not an index (workspace members, paths, URLs, git): one candidate each. */
  sourcePins?: SourcePins | undefined;
  /** Packages whose source depends on the environment (`[tool.lockstep.sources]` split by marker). */
  conditionalSources?: ConditionalSources | undefined;
}
