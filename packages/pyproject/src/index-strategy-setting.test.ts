/** `[tool.lockstep] index-strategy` (issue 13): read, defaulted, and misspellings suggested. */
import { FileError } from "@lockstep/errors";
import { expect, test } from "vitest";
import { parseProject } from "./project";

const text = (...l: string[]): string => ["[project]", 'name = "demo"', 'version = "1.0"', ...l].join("\n");

test.each([
  [text(), "first-index"],
  [text("[tool.lockstep]"), "first-index"],
  [text("[tool.lockstep]", 'index-strategy = "first-index"'), "first-index"],
  [text("[tool.lockstep]", 'index-strategy = "unsafe-first-match"'), "unsafe-first-match"],
  [text("[tool.lockstep]", 'index-strategy = "unsafe-best-match"'), "unsafe-best-match"],
])("%j reads as %s", (toml, strategy) => {
  expect(parseProject(toml, "pyproject.toml").lockstep.indexStrategy).toBe(strategy);
});

test.each([
  [
    'index-strategy = "unsafe_best_match"',
    'pyproject.toml:5:18: "unsafe_best_match" is not a valid index-strategy; did you mean "unsafe-best-match"?',
  ],
  ['index-strategy = "any"', 'pyproject.toml:5:18: "any" is not a valid index-strategy'],
  [
    "index-strategy = 1",
    "pyproject.toml:5:18: expected tool.lockstep.index-strategy to be a string, found the integer 1",
  ],
  [
    'index-stratgy = "first-index"',
    'pyproject.toml:5:1: unknown key "index-stratgy" in [tool.lockstep]; did you mean "index-strategy"?',
  ],
])("%s is refused", (line, message) => {
  let error: unknown;
  try {
    parseProject(text("[tool.lockstep]", line), "pyproject.toml");
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FileError);
  expect((error as Error).message.split("\n")[0]).toBe(message);
});
