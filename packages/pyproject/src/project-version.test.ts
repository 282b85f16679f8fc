/**
 * `lockstep version`'s library: PEP 440 bumps as a table, and the in-place edit of
 * `[project].version` (only the string changes; a dynamic version is refused).
 */
import { describe, expect, test } from "vitest";
import { bumpVersion, readProjectVersion, setProjectVersion } from "./project-version";
import type { VersionBump } from "./project-version";

describe("bumpVersion", () => {
  test.each<[string, VersionBump[], string]>([
    ["1.2.3", ["major"], "2.0.0"],
    ["1.2.3", ["minor"], "1.3.0"],
    ["1.2.3", ["patch"], "1.2.4"],
    ["1.2", ["patch"], "1.2.1"],
    ["1", ["minor"], "1.1"],
    ["1.2.3a1", ["patch"], "1.2.3"],
    ["1.3.0rc1", ["minor"], "1.3.0"],
    ["1.3.1rc1", ["minor"], "1.4.0"],
    ["2.0.0.dev3", ["major"], "2.0.0"],
    ["1.2.3.post2", ["patch"], "1.2.4"],
    ["1.2.3+local.7", ["patch"], "1.2.4"],
    ["1!1.2.3", ["major"], "1!2.0.0"],
    ["1.2.3a1", ["alpha"], "1.2.3a2"],
    ["1.2.3a4", ["beta"], "1.2.3b1"],
    ["1.2.3b2", ["rc"], "1.2.3rc1"],
    ["1.2.3.dev1", ["alpha"], "1.2.3a1"],
    ["1.2.3a1.dev2", ["alpha"], "1.2.3a1"],
    ["1.2.3", ["patch", "beta"], "1.2.4b1"],
    ["1.2.3a1", ["patch", "alpha"], "1.2.4a1"],
    ["1.2.3", ["post"], "1.2.3.post1"],
    ["1.2.3.post1", ["post"], "1.2.3.post2"],
    ["1.2.3.post1.dev2", ["post"], "1.2.3.post1"],
    ["1.2.3.dev1", ["dev"], "1.2.3.dev2"],
    ["1.2.3", ["minor", "dev"], "1.3.0.dev1"],
    ["1.2.3", ["patch", "alpha", "dev"], "1.2.4a1.dev1"],
    ["1.2.3b5", ["stable"], "1.2.3"],
    ["1.2.3rc1.dev1", ["stable"], "1.2.3"],
    ["v1.2.3", ["patch"], "1.2.4"],
  ])("%s --bump %s → %s", (from, bumps, to) => {
    expect(bumpVersion(from, bumps)).toBe(to);
  });

  test.each<[string, VersionBump[], string]>([
    [
      "1.2.3",
      ["beta"],
      "Cannot bump version 1.2.3 with --bump beta: 1.2.3b1 would sort before 1.2.3\n  hint: combine it with a release bump, e.g. --bump patch --bump beta",
    ],
    [
      "1.2.3rc1",
      ["beta"],
      "Cannot bump version 1.2.3rc1 with --bump beta: beta comes before the current rc pre-release",
    ],
    [
      "1.2.3",
      ["dev"],
      "Cannot bump version 1.2.3 with --bump dev: 1.2.3.dev1 would sort before 1.2.3\n  hint: combine it with another bump, e.g. --bump patch --bump dev",
    ],
    ["1.2.3", ["stable"], "Cannot bump version 1.2.3 with --bump stable: it is already a stable release"],
    [
      "1.2.3",
      ["major", "minor"],
      "Cannot bump version 1.2.3 with --bump major --bump minor: give at most one of major, minor, patch",
    ],
    [
      "1.2.3",
      ["alpha", "rc"],
      "Cannot bump version 1.2.3 with --bump alpha --bump rc: give at most one of alpha, beta, rc",
    ],
    [
      "1.2.3a1",
      ["stable", "patch"],
      "Cannot bump version 1.2.3a1 with --bump stable --bump patch: stable cannot be combined with other bumps",
    ],
  ])("%s --bump %s is refused", (from, bumps, message) => {
    let caught: unknown;
    try {
      bumpVersion(from, bumps);
    } catch (err) {
      caught = err;
    }
    expect((caught as { render(): string }).render()).toBe(message);
  });
});

describe("setProjectVersion", () => {
  const text = [
    "# my project",
    "[project]",
    "name = 'demo'  # the name",
    "version = '1.2.3'  # bumped by hand",
    "dependencies = []",
    "",
  ].join("\n");

  test("replaces only the string, keeping its quote style and the comment", () => {
    expect(setProjectVersion(text, "pyproject.toml", "1.3.0")).toBe(
      text.replace("version = '1.2.3'", "version = '1.3.0'"),
    );
    expect(readProjectVersion(text, "pyproject.toml")).toEqual({
      name: "demo",
      version: "1.2.3",
      dynamic: false,
    });
  });

  test("writes the normalized form of a valid version and refuses an invalid one", () => {
    expect(setProjectVersion(text, "p.toml", "2.0-RC1")).toContain("version = '2.0rc1'");
    expect(() => setProjectVersion(text, "p.toml", "two")).toThrow(/Failed to parse version "two"/);
  });

  test.each([
    [
      '[project]\nname = "d"\ndynamic = ["version"]\n',
      "pyproject.toml: the version is dynamic (listed in project.dynamic): the build backend computes it, so there is nothing to edit\n  hint: change the version where the backend reads it from, or make it static in [project]",
    ],
    [
      '[project]\nname = "d"\n',
      'pyproject.toml: [project] has no version\n  hint: add version = "0.1.0" to [project]',
    ],
    [
      "[tool.x]\na = 1\n",
      "pyproject.toml: there is no [project] table\n  hint: the version is [project].version; run `lockstep init` to make a project",
    ],
  ])("refuses %j", (input, message) => {
    let caught: unknown;
    try {
      setProjectVersion(input, "pyproject.toml", "1.0");
    } catch (err) {
      caught = err;
    }
    expect((caught as { render(): string }).render()).toBe(message);
  });
});
