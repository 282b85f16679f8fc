import { expect, test } from "vitest";
import { closest, levenshtein } from "./suggest";

test.each([
  ["", "", 0],
  ["abc", "abc", 0],
  ["kitten", "sitting", 3],
  ["", "abc", 3],
  ["resolution", "resolutoin", 2],
])("levenshtein(%j, %j) = %i", (a, b, d) => {
  expect(levenshtein(a, b)).toBe(d);
  expect(levenshtein(b, a)).toBe(d);
});

const KEYS = ["resolution", "prerelease", "exclude-newer", "index", "sources", "package"];
test.each([
  ["resolutoin", "resolution"],
  ["exclude_newer", "exclude-newer"],
  ["Prerelease", "prerelease"],
  ["indexes", "index"],
  ["source", "sources"],
  ["banana", undefined],
  ["x", undefined],
])("closest(%j) = %j", (key, expected) => {
  expect(closest(key, KEYS)).toBe(expected);
});
