/**
 * The project's own version (PEP 621 `[project].version`): bumping it by PEP 440 rules and writing it
 * back in place, format-preserving (one splice over the string's span; quotes, comments and the
 * rest of the file untouched).
 *
 * Bump rules (docs/cli-project.md lists them for users). Release bumps first, then the pre-release
 * label, then post, then dev; local labels are always dropped:
 * - `major`/`minor`/`patch` increment that component and zero the ones after it, keeping at least
 *   as many components as the bump needs (1.2 --patch→ 1.2.1). Alone, on a pre-release (a/b/rc or
 *   dev) whose lower components are already zero, they finalize instead, as semver tools do:
 *   patch of 1.2.3a1 → 1.2.3, minor of 1.3.0rc1 → 1.3.0, major of 2.0.0.dev3 → 2.0.0.
 * - `alpha`/`beta`/`rc` increment the number of the same label (1.2.3a1 → 1.2.3a2) or move to a
 *   later label at 1 (1.2.3a4 --beta→ 1.2.3b1). On a final release they need a release bump too
 *   (`--bump patch --bump beta`: 1.2.3 → 1.2.4b1); going back (rc → beta) is refused.
 * - `post` increments or starts `.postN`; `dev` increments `.devN`, or starts `.dev1` after another
 *   bump (`--bump minor --bump dev`: 1.2.3 → 1.3.0.dev1); `dev` alone on a version without one is
 *   refused (1.2.3.dev1 sorts before 1.2.3).
 * - `stable` drops the pre-release and dev parts (1.2.3b5 → 1.2.3).
 * Whatever the bumps, the result must sort after the current version, or the bump is refused.
 *
 * Pitfall: a version listed in `project.dynamic` is computed by the build backend; there is nothing
 * to edit, and writing one anyway would make the pyproject.toml invalid (both given and dynamic).
 */

import { FileError, LockstepError, lineColumn } from "@lockstep/errors";
import { Version } from "@lockstep/pep440";
import type { PreLabel } from "@lockstep/pep440";
import { parseTomlDocument } from "./toml-cst";
import { quoteString } from "./text-layout";

export const VERSION_BUMPS = [
  "major",
  "minor",
  "patch",
  "alpha",
  "beta",
  "rc",
  "post",
  "dev",
  "stable",
] as const;
export type VersionBump = (typeof VERSION_BUMPS)[number];

export class VersionBumpError extends LockstepError {}

const RELEASE_INDEX = { major: 0, minor: 1, patch: 2 } as const;
const PRE_FOR = { alpha: "a", beta: "b", rc: "rc" } as const satisfies Record<string, PreLabel>;
const PRE_ORDER: readonly PreLabel[] = ["a", "b", "rc"];

function refuse(from: string, bumps: readonly VersionBump[], why: string, hint?: string): never {
  throw new VersionBumpError(
    "version-bump-invalid",
    `Cannot bump version ${from} with --bump ${bumps.join(" --bump ")}: ${why}`,
    { hint },
  );
}

/** The version `current` becomes after `bumps` (see the rules above). */
export function bumpVersion(current: string, bumps: readonly VersionBump[]): string {
  const from = Version.parse(current);
  if (bumps.length === 0) return from.toString();
  const unique = [...new Set(bumps)];
  const releaseBumps = unique.filter((b): b is keyof typeof RELEASE_INDEX => b in RELEASE_INDEX);
  const preBumps = unique.filter((b): b is keyof typeof PRE_FOR => b in PRE_FOR);
  if (releaseBumps.length > 1) refuse(current, bumps, "give at most one of major, minor, patch");
  if (preBumps.length > 1) refuse(current, bumps, "give at most one of alpha, beta, rc");
  if (unique.includes("stable") && unique.length > 1)
    refuse(current, bumps, "stable cannot be combined with other bumps");

  let release = [...from.release];
  let pre: readonly [PreLabel, number] | undefined = from.pre;
  let post = from.post;
  let dev = from.dev;

  if (unique.includes("stable")) {
    if (pre === undefined && dev === undefined) refuse(current, bumps, "it is already a stable release");
    return Version.from({ epoch: from.epoch, release, post }).toString();
  }

  const release0 = releaseBumps[0];
  const onlyRelease = release0 !== undefined && unique.length === 1;
  if (release0 !== undefined) {
    const i = RELEASE_INDEX[release0];
    while (release.length < i + 1) release.push(0);
    const lowerZero = release.slice(i + 1).every((n) => n === 0);
    if (!(onlyRelease && from.isPrerelease && lowerZero)) {
      release[i] = (release[i] ?? 0) + 1;
      release = release.map((n, j) => (j > i ? 0 : n));
    }
    pre = undefined;
    post = undefined;
    dev = undefined;
  }

  const pre0 = preBumps[0];
  if (pre0 !== undefined) {
    const label = PRE_FOR[pre0];
    if (release0 === undefined) {
      if (pre === undefined && dev === undefined) {
        refuse(
          current,
          bumps,
          `${current}${label}1 would sort before ${current}`,
          `combine it with a release bump, e.g. --bump patch --bump ${pre0}`,
        );
      }
      if (pre !== undefined && PRE_ORDER.indexOf(label) < PRE_ORDER.indexOf(pre[0])) {
        refuse(current, bumps, `${pre0} comes before the current ${pre[0]} pre-release`);
      }
    }
    // 1.2.3.dev1 (a dev release of the final) → alpha gives 1.2.3a1, which sorts after it.
    const n = pre !== undefined && pre[0] === label && dev === undefined ? pre[1] + 1 : 1;
    pre = [label, n];
    post = undefined;
    dev = undefined;
  }

  if (unique.includes("post")) {
    // 1.2.3.post1.dev2 is a dev release of 1.2.3.post1: bumping post finishes it.
    if (post === undefined) post = 1;
    else if (dev === undefined) post += 1;
    dev = undefined;
  }

  if (unique.includes("dev")) {
    if (dev !== undefined && unique.length === 1) dev += 1;
    else if (unique.length > 1) dev = 1;
    else {
      refuse(
        current,
        bumps,
        `${current}.dev1 would sort before ${current}`,
        "combine it with another bump, e.g. --bump patch --bump dev",
      );
    }
  }

  const to = Version.from({ epoch: from.epoch, release, pre, post, dev });
  if (to.compare(from.withoutLocal()) <= 0) {
    refuse(current, bumps, `the result ${to.toString()} does not sort after ${current}`);
  }
  return to.toString();
}

export interface ProjectVersionField {
  name: string | undefined;
  /** The version as written, or undefined when it is dynamic. */
  version: string | undefined;
  dynamic: boolean;
}

/** Where `[project].version` is, as a string literal, or why it cannot be edited. */
function locateVersion(text: string, path: string) {
  const doc = parseTomlDocument(text, path);
  const project = doc.value.project;
  if (project === undefined || typeof project !== "object" || Array.isArray(project)) {
    throw new FileError("project-version-missing", path, {}, "there is no [project] table", {
      hint: "the version is [project].version; run `lockstep init` to make a project",
    });
  }
  const table = project as Record<string, unknown>;
  const dynamic = Array.isArray(table.dynamic) && table.dynamic.includes("version");
  const name = typeof table.name === "string" ? table.name : undefined;
  const loc = doc.locate(["project", "version"]);
  return { doc, name, dynamic, loc };
}

/** The project's name and version as written in a pyproject.toml's text. */
export function readProjectVersion(text: string, path: string): ProjectVersionField {
  const { name, dynamic, loc } = locateVersion(text, path);
  const node = loc?.node;
  return { name, dynamic, version: node?.kind === "string" ? node.value : undefined };
}

/** `text` with `[project].version` replaced by `version` (validated as PEP 440), all else as it was. */
export function setProjectVersion(text: string, path: string, version: string): string {
  const parsed = Version.parse(version);
  const { dynamic, loc } = locateVersion(text, path);
  if (dynamic) {
    throw new FileError(
      "project-version-dynamic",
      path,
      loc ? lineColumn(text, loc.keySpan.start) : {},
      "the version is dynamic (listed in project.dynamic): the build backend computes it, so there is nothing to edit",
      { hint: "change the version where the backend reads it from, or make it static in [project]" },
    );
  }
  const node = loc?.node;
  if (node === undefined || node.kind !== "string") {
    throw new FileError(
      "project-version-missing",
      path,
      loc ? lineColumn(text, loc.keySpan.start) : {},
      node === undefined ? "[project] has no version" : "[project].version is not a string",
      { hint: 'add version = "0.1.0" to [project]' },
    );
  }
  const style = node.quote === "'" || node.quote === "'''" ? "'" : '"';
  return text.slice(0, node.span.start) + quoteString(parsed.toString(), style) + text.slice(node.span.end);
}
