import { parseProject } from "@lockstep/pyproject";
import { describe, expect, test } from "vitest";
import { PYPI_URL as DEFAULT_INDEX_URL } from "@lockstep/index/default-index";
import { effectiveIndexes, parseExcludeNewer, projectInputs } from "./project-inputs";

const project = (toml: string) => parseProject(toml, "/p/pyproject.toml");

describe("projectInputs", () => {
  test("without requires-python: >=3.8 with uv's warning, recorded as such", () => {
    const pi = projectInputs(
      project('[project]\nname = "a"\nversion = "1"\ndependencies = ["Requests >= 2"]\n'),
    );
    expect(pi.warnings).toEqual([
      "No `requires-python` value found in the workspace. Defaulting to `>=3.8`.",
    ]);
    expect(pi.inputs.canonical.requiresPython).toBe(">=3.8");
    expect(pi.inputs.values.requiresPython?.toString()).toBe(">=3.8");
    expect(pi.inputs.canonical.indexes).toEqual([{ name: "pypi", url: DEFAULT_INDEX_URL }]);
    expect(pi.inputs.canonical.defaultGroups).toEqual([]); // "dev" is the default, but there is no such group
  });

  test("flags override settings and are what the lock records", () => {
    const p = project(
      '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.9"\n[dependency-groups]\ndev = ["x"]\n[tool.lockstep]\nresolution = "lowest"\nexclude-newer = "2024-01-01"\n',
    );
    expect(projectInputs(p).inputs.canonical).toMatchObject({
      resolution: "lowest",
      excludeNewer: "2024-01-01T00:00:00.000Z",
      defaultGroups: ["dev"],
    });
    const pi = projectInputs(p, {
      resolution: "highest",
      prerelease: "allow",
      excludeNewer: "2024-06-01T12:00:00+02:00",
    });
    expect(pi.inputs.canonical).toMatchObject({
      resolution: "highest",
      prerelease: "allow",
      excludeNewer: "2024-06-01T10:00:00.000Z",
    });
    expect(() => projectInputs(p, { resolution: "sideways" })).toThrow(
      '--resolution: "sideways" is not one of highest, lowest, lowest-direct',
    );
  });

  test("index strategy: [tool.lockstep] index-strategy, overridden by --index-strategy, recorded", () => {
    const p = project(
      '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.9"\n[tool.lockstep]\nindex-strategy = "unsafe-best-match"\n',
    );
    expect(projectInputs(p).indexStrategy).toBe("unsafe-best-match");
    expect(projectInputs(p).inputs.canonical.indexStrategy).toBe("unsafe-best-match");
    const flagged = projectInputs(p, { indexStrategy: "first-index" });
    expect(flagged.indexStrategy).toBe("first-index");
    expect(flagged.inputs.canonical.indexStrategy).toBe("first-index");
    expect(() => projectInputs(p, { indexStrategy: "best" })).toThrow(
      '--index-strategy: "best" is not one of first-index, unsafe-first-match, unsafe-best-match',
    );
  });

  test("an index pin is a lock input: moving a package to another index makes the lock out of date", () => {
    const pinned = (index: string) =>
      projectInputs(
        project(
          `[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.9"\ndependencies = ["X"]\n` +
            `[[tool.lockstep.index]]\nname = "one"\nurl = "https://one.example/simple"\n` +
            `[[tool.lockstep.index]]\nname = "two"\nurl = "https://two.example/simple"\n` +
            `[tool.lockstep.sources]\nX = { index = "${index}" }\n`,
        ),
      );
    expect(pinned("one").pins).toEqual({ x: "one" });
    expect(pinned("one").inputs.canonical.sources).toEqual({ x: "index one" });
    expect(pinned("two").inputs.canonical.sources).toEqual({ x: "index two" });
    expect(pinned("one").inputs.fingerprint).not.toBe(pinned("two").inputs.fingerprint);
    // Without pins nothing is recorded, so older locks keep their fingerprint.
    expect(projectInputs(project('[project]\nname = "a"\nversion = "1"\n')).inputs.canonical.sources).toBe(
      undefined,
    );
  });

  test("index order: --extra-index-url, declared, then the default (--index-url replaces it)", () => {
    const p = project(
      '[project]\nname = "a"\nversion = "1"\n[[tool.lockstep.index]]\nname = "corp"\nurl = "https://corp/simple"\n[[tool.lockstep.index]]\nname = "mirror"\nurl = "https://mirror/simple"\ndefault = true\n',
    );
    expect(effectiveIndexes(p, {}).map((i) => i.url)).toEqual([
      "https://corp/simple",
      "https://mirror/simple",
    ]);
    expect(
      effectiveIndexes(p, {
        indexUrl: "http://127.0.0.1:1/simple",
        extraIndexUrls: ["https://extra/simple"],
      }).map((i) => i.url),
    ).toEqual(["https://extra/simple", "https://corp/simple", "http://127.0.0.1:1/simple"]);
  });

  test.each([
    ['b = { path = "../b" }', '[tool.lockstep.sources] b = { path = "../b" }: the path "/b" does not exist'],
    [
      "b = { workspace = true }",
      '[tool.lockstep.sources] b = { workspace = true }: "b" is not a member of the workspace at /p',
    ],
  ])("a source that cannot be pinned is refused rather than ignored: %s", (source, message) => {
    const p = project(
      `[project]\nname = "a"\nversion = "1"\ndependencies = ["b"]\n[tool.lockstep.sources]\n${source}\n`,
    );
    const workspace = { root: "/p", rootProject: p, members: [p], current: p };
    expect(() => projectInputs(p, {}, { workspace, lockDir: "/p" })).toThrow(message);
  });
});

test.each([
  ["2024-05-01", "2024-05-01T00:00:00.000Z"],
  ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.000Z"],
  ["2024-05-01T10:00:00-01:00", "2024-05-01T11:00:00.000Z"],
])("--exclude-newer %s", (text, iso) => {
  expect(parseExcludeNewer(text).toISOString()).toBe(iso);
});

test("--exclude-newer refuses a time without a zone", () => {
  expect(() => parseExcludeNewer("2024-05-01T10:00:00")).toThrow(/with a zone/);
});
