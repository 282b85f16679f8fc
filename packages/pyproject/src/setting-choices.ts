/**
 * The value lists of `[tool.lockstep]`'s choice settings, in a module that imports nothing, so the
 * CLI's settings precedence (loaded on every command, the no-op sync included) can use the same
 * lists as pyproject.toml's validation without loading a TOML parser.
 */

export const RESOLUTION_STRATEGIES = ["highest", "lowest", "lowest-direct"] as const;
export type ResolutionStrategy = (typeof RESOLUTION_STRATEGIES)[number];

export const PRERELEASE_POLICIES = [
  "disallow",
  "allow",
  "if-necessary",
  "explicit",
  "if-necessary-or-explicit",
] as const;
export type PrereleasePolicy = (typeof PRERELEASE_POLICIES)[number];

/**
 * uv's index strategies (see `@lockstep/index`'s client): "first-index" takes a package from the
 * first index that has it; the `unsafe-*` ones merge every index (dependency confusion possible).
 */
export const INDEX_STRATEGIES = ["first-index", "unsafe-first-match", "unsafe-best-match"] as const;
export type IndexStrategySetting = (typeof INDEX_STRATEGIES)[number];
