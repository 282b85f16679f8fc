/** @lockstep/pep440 — PEP 440 versions, specifiers and version sets. See docs/pep440.md. */
export { Version, compareVersions, parseVersionUncached } from "./version";
export type { PreLabel, VersionParts } from "./version";
export { Specifier, SpecifierSet, canonicalizeVersion } from "./specifier";
export type { Operator, ContainsOptions } from "./specifier";
export { VersionSet } from "./ranges";
export type { Interval, Bound, VersionKind } from "./ranges";
