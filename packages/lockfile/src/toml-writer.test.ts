import { parse } from "smol-toml";
import { describe, expect, test } from "vitest";
import { TomlDateTime, inline, tomlEntries, tomlKey, tomlString, tomlValue } from "./toml-writer";

describe("toml writer", () => {
  test.each([
    ["plain", '"plain"'],
    ['quote " and \\ backslash', '"quote \\" and \\\\ backslash"'],
    ["tab\tnew\nline", '"tab\\tnew\\nline"'],
    ["bell\u0007 del\u007f", '"bell\\u0007 del\\u007f"'],
    ["ünïcode ✓", '"ünïcode ✓"'],
  ])("string %j", (input, text) => {
    expect(tomlString(input)).toBe(text);
    expect(parse(`k = ${text}`).k).toBe(input);
  });

  test.each([
    ["name", "name"],
    ["upload-time", "upload-time"],
    ["a.b", '"a.b"'],
    ["with space", '"with space"'],
    ["", '""'],
  ])("key %j", (key, text) => expect(tomlKey(key)).toBe(text));

  test.each<[Parameters<typeof tomlValue>[0], string]>([
    [true, "true"],
    [1234, "1234"],
    [new TomlDateTime("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05Z"],
    [["a", "b"], '["a", "b"]'],
    [[], "[]"],
    [
      inline([
        ["name", "x"],
        ["version", undefined],
        ["n", 1],
      ]),
      '{ name = "x", n = 1 }',
    ],
    [inline([]), "{}"],
  ])("value %#", (value, text) => expect(tomlValue(value)).toBe(text));

  test("non-integers are refused", () => {
    expect(() => tomlValue(1.5)).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: TOML writer: 1.5 is not a safe integer]`,
    );
  });

  test("arrays of inline tables go one per line; undefined entries are skipped", () => {
    const lines = tomlEntries([
      ["deps", [inline([["name", "a"]]), inline([["name", "b"]])]],
      ["skip", undefined],
      ["list", ["x"]],
    ]);
    expect(lines).toEqual(["deps = [", '    { name = "a" },', '    { name = "b" },', "]", 'list = ["x"]']);
    expect(parse(lines.join("\n"))).toEqual({ deps: [{ name: "a" }, { name: "b" }], list: ["x"] });
  });
});
