import { FileError } from "@lockstep/errors";
import { describe, expect, test } from "vitest";
import { parseProject } from "./project";

const lines = (...l: string[]): string => l.join("\n");
const HEAD = lines(
  "[project]",
  'name = "demo"',
  'version = "1.0"',
  "[[tool.lockstep.index]]",
  'name = "cpu"',
  'url = "https://example.com/cpu"',
  "[[tool.lockstep.index]]",
  'name = "cu"',
  'url = "https://example.com/cu"',
  "[tool.lockstep.sources]",
);

function problemOf(text: string): { message: string; hint: string | undefined } {
  try {
    parseProject(text, "pyproject.toml");
  } catch (error) {
    if (error instanceof FileError) return { message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error("expected an error");
}

describe("several sources of one package", () => {
  // Each case: the sources (from line 11 on), the exact message and hint.
  test.each<[string, string[], string, string | undefined]>([
    [
      "overlapping markers",
      [
        "torch = [",
        '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
        "  { index = \"cu\", marker = \"sys_platform == 'linux' or sys_platform == 'win32'\" },",
        "]",
      ],
      `pyproject.toml:13:28: [tool.lockstep.sources] torch: source markers must be disjoint, but "sys_platform == 'linux' or sys_platform == 'win32'" overlaps "sys_platform == 'linux'" (line 12)`,
      `replace it with "sys_platform == 'win32'"`,
    ],
    [
      "the same marker twice",
      [
        "lib = [",
        '  { path = "../a", marker = "os_name == \'nt\'" },',
        '  { path = "../b", marker = "os_name == \'nt\'" },',
        "]",
      ],
      `pyproject.toml:13:29: [tool.lockstep.sources] lib: source markers must be disjoint, but "os_name == 'nt'" overlaps "os_name == 'nt'" (line 12)`,
      "it holds only where the other does: remove one of the two sources",
    ],
    [
      "one source without a marker",
      ["torch = [", '  { index = "cpu", marker = "sys_platform == \'linux\'" },', '  { index = "cu" },', "]"],
      "pyproject.toml:13:3: [tool.lockstep.sources] torch lists 2 sources, so each needs a marker; this one has none",
      `give each source a marker, e.g. marker = "sys_platform == 'linux'"`,
    ],
    [
      "no markers at all",
      ["lib = [", '  { path = "../a" },', '  { git = "https://example.com/lib.git" },', "]"],
      lines(
        "pyproject.toml:12:3: [tool.lockstep.sources] lib lists 2 sources, so each needs a marker; this one has none",
        "pyproject.toml:13:3: [tool.lockstep.sources] lib lists 2 sources, so each needs a marker; this one has none",
      ),
      `give each source a marker, e.g. marker = "sys_platform == 'linux'"`,
    ],
  ])("%s", (_name, sources, message, hint) => {
    const got = problemOf(lines(HEAD, ...sources));
    expect(got.message).toBe(message);
    expect(got.hint).toBe(hint);
  });

  test.each<[string, string[]]>([
    [
      "disjoint markers",
      [
        "torch = [",
        '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
        '  { index = "cu", marker = "sys_platform == \'win32\'" },',
        "]",
      ],
    ],
    [
      "markers in different scopes may overlap",
      ["torch = [", '  { index = "cpu", extra = "cpu" },', '  { index = "cu", extra = "cu" },', "]"],
    ],
    ["one source with a marker", ['torch = { index = "cu", marker = "sys_platform == \'win32\'" }']],
    ["a list of one without a marker", ['torch = [{ index = "cu" }]']],
  ])("%s: accepted", (_name, sources) => {
    const project = parseProject(lines(HEAD, ...sources), "pyproject.toml");
    expect(project.lockstep.sources.torch?.length).toBeGreaterThan(0);
  });
});
