import { describe, expect, test } from "vitest";
import { formatTag, parseTagSet } from "./tag";

describe("parseTagSet", () => {
  test.each([
    ["py3-none-any", ["py3-none-any"]],
    ["PY2.py3-NONE-any", ["py2-none-any", "py3-none-any"]],
    ["cp39.cp39-abi3.none-win32", ["cp39-abi3-win32", "cp39-none-win32"]],
    ["py3-none", undefined],
    ["py3-none-any-x", undefined],
    ["py3.-none-any", undefined],
  ])("%s", (text, expected) => {
    expect(parseTagSet(text)?.map(formatTag)).toEqual(expected);
  });
});
