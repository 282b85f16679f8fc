import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { FileError } from "@lockstep/errors";
import { DEFAULT_BACKEND, parseBuildSystem, readBuildSystem } from "./build-system";

const SRC = "/src/proj";
const parse = (text: string) => parseBuildSystem(text, "pyproject.toml", SRC);

describe("readBuildSystem", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("no pyproject.toml: setuptools' legacy backend", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-bs-"));
    dirs.push(dir);
    expect(readBuildSystem(dir)).toEqual({
      requires: ["setuptools>=40.8.0"],
      backend: "setuptools.build_meta:__legacy__",
      backendPath: [],
      defaulted: true,
      project: {},
    });
    writeFileSync(
      join(dir, "pyproject.toml"),
      '[build-system]\nrequires = ["flit_core>=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n',
    );
    expect(readBuildSystem(dir).backend).toBe("flit_core.buildapi");
  });

  test.each([
    ["no table", '[project]\nname = "a"\nversion = "1"\n', ["setuptools>=40.8.0"], DEFAULT_BACKEND, [], true],
    [
      "requires only",
      '[build-system]\nrequires = ["setuptools>=61", "wheel"]\n',
      ["setuptools>=61", "wheel"],
      DEFAULT_BACKEND,
      [],
      true,
    ],
    [
      "everything, multi-line array with comments and a trailing comma",
      '[build-system]\nrequires = [\n  "hatchling>=1.18",  # the backend\n  \'hatch-vcs\',\n]\nbuild-backend = "hatchling.build"\n',
      ["hatchling>=1.18", "hatch-vcs"],
      "hatchling.build",
      [],
      false,
    ],
    [
      "dotted keys at the top level",
      'build-system.requires = []\nbuild-system.build-backend = "backend:api.v1"\nbuild-system.backend-path = [".", "tools/build"]\n',
      [],
      "backend:api.v1",
      [SRC, `${SRC}/tools/build`],
      false,
    ],
    [
      "an inline table",
      'build-system = { requires = ["maturin>=1,<2"], build-backend = "maturin" }\n',
      ["maturin>=1,<2"],
      "maturin",
      [],
      false,
    ],
    [
      "a [build-system] line inside another table's multi-line string",
      '[project]\nname = "a"\ndescription = """\n[build-system]\nrequires = ["nope"]\n"""\n\n[build-system]\nrequires = ["yes"]\nbuild-backend = "b"\n',
      ["yes"],
      "b",
      [],
      false,
    ],
    [
      "a key a later PEP may add is let through",
      '[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\nfuture-key = 1\n',
      ["flit_core"],
      "flit_core.buildapi",
      [],
      false,
    ],
  ])("%s", (_, text, requires, backend, backendPath, defaulted) => {
    expect(parse(text)).toMatchObject({ requires, backend, backendPath, defaulted });
  });

  test("project name and version name the build", () => {
    expect(parse('[project]\nname = "demo"\nversion = "0.1"\n').project).toEqual({
      name: "demo",
      version: "0.1",
    });
    expect(parse('[project]\nname = "demo"\ndynamic = ["version"]\n').project).toEqual({ name: "demo" });
  });

  test.each([
    [
      '[build-system]\nbuild-backend = "x"\n',
      'pyproject.toml:1:1: missing required key "requires" in [build-system]',
    ],
    [
      '[build-system]\nrequires = "setuptools"\n',
      'pyproject.toml:2:12: expected build-system.requires to be an array of strings, found the string "setuptools"',
    ],
    [
      '[build-system]\nrequires = [\n  "ok",\n  3,\n]\n',
      "pyproject.toml:4:3: expected build-system.requires[1] to be a string, found the integer 3",
    ],
    [
      '[build-system]\nrequires = ["setuptools >= 40", "what is this"]\n',
      'pyproject.toml:2:39: build-system.requires[1]: "what is this" is not a valid PEP 508 requirement: Expected `;` or the end after the name',
    ],
    [
      '[build-system]\nrequires = []\nbuild-backend = "my-backend"\n',
      'pyproject.toml:3:17: invalid build backend "my-backend"',
    ],
    [
      '[build-system]\nrequires = []\nbuild-backend = ["a"]\n',
      "pyproject.toml:3:17: expected build-system.build-backend to be a string, found an array",
    ],
    [
      '[build-system]\nrequires = []\nbackend-path = "."\n',
      'pyproject.toml:3:16: expected build-system.backend-path to be an array of strings, found the string "."',
    ],
    [
      '[build-system]\nrequires = []\nbackend-path = ["../outside"]\n',
      'pyproject.toml:3:17: backend-path entry "../outside" is outside the source tree',
    ],
    [
      '[build-system]\nrequires = []\nbackend-path = ["/abs"]\n',
      'pyproject.toml:3:17: backend-path entry "/abs" is outside the source tree',
    ],
    ["build-system = 1\n", "pyproject.toml:1:16: expected build-system to be a table, found the integer 1"],
    [
      '[build-system]\nrequires = ["a"\n',
      "pyproject.toml:3:1: invalid TOML: expected comma or end of structure",
    ],
    [
      "[build-system]\nrequires = []\nrequires = []\n",
      "pyproject.toml:3:1: invalid TOML: trying to redefine an already defined table or value",
    ],
  ])("%j is rejected", (text, message) => {
    let error: unknown;
    try {
      parse(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).message.split("\n")[0]).toBe(message);
  });
});
