/**
 * A source tree the fixtures' in-tree backend (`lockstep_fixture_backend`, from `@lockstep/fixtures`)
 * builds: a static `[project]` table and a matching PKG-INFO, so an sdist, a git checkout or a local
 * path of it builds without any network. Pitfall: the backend reads a JSON-valued subset of TOML, so
 * `dependencies` is written as a JSON array.
 */
import { BACKEND_SOURCE } from "@lockstep/fixtures";

export interface FixtureBackendTree {
  name: string;
  version: string;
  dependencies?: string[];
  /** The text of `<name>.py`; by default `VERSION = "<version>"`. */
  module?: string;
}

/** The files (relative path → text) of the tree; write them with `writeTree` or `TestRepo.commit`. */
export function fixtureBackendTree(tree: FixtureBackendTree): Record<string, string> {
  const { name, version, dependencies = [] } = tree;
  return {
    "pyproject.toml": [
      "[build-system]",
      "requires = []",
      'build-backend = "lockstep_fixture_backend"',
      'backend-path = ["_backend"]',
      "",
      "[project]",
      `name = "${name}"`,
      `version = "${version}"`,
      `dependencies = ${JSON.stringify(dependencies)}`,
      "",
    ].join("\n"),
    "PKG-INFO": [
      "Metadata-Version: 2.3",
      `Name: ${name}`,
      `Version: ${version}`,
      ...dependencies.map((d) => `Requires-Dist: ${d}`),
      "",
    ].join("\n"),
    "_backend/lockstep_fixture_backend.py": BACKEND_SOURCE,
    [`${name}.py`]: tree.module ?? `VERSION = "${version}"\n`,
  };
}
