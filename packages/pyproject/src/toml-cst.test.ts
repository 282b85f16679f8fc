import { FileError, lineColumn } from "@lockstep/errors";
import { describe, expect, test } from "vitest";
import { parseTomlDocument } from "./toml-cst";
import type { KeyPath } from "./toml-cst";

const SAMPLE = [
  "# top comment",
  'title = "x" # trailing',
  "[project]",
  'name = "demo"',
  "dependencies = [",
  '  "a>=1", # first',
  "  # between",
  "  'b',",
  "]",
  'optional-dependencies.dev = ["""c""", "d"]',
  "",
  '[tool."lock step"]',
  "x = { y = 1, z.w = [true, 1979-05-27 07:32:00Z] }",
  "[[tool.lockstep.index]]",
  'name = "one"',
  "[[tool.lockstep.index]]",
  'name = "two"',
  "[tool.lockstep.index.extra]",
  "k = 'v'",
].join("\n");

/** The line:column where a path's key starts, and the source text of its value. */
function where(text: string, path: KeyPath): string {
  const doc = parseTomlDocument(text, "pyproject.toml");
  const loc = doc.locate(path);
  if (!loc) return "missing";
  const { line, column } = lineColumn(text, loc.keySpan.start);
  const value = loc.node ? text.slice(loc.node.span.start, loc.node.span.end) : `<${loc.definition.kind}>`;
  return `${line}:${column} ${value}`;
}

describe("locate", () => {
  test.each<[KeyPath, string]>([
    [["title"], '2:1 "x"'],
    [["project"], "3:1 <header>"],
    [["project", "name"], '4:1 "demo"'],
    [["project", "dependencies", 0], '6:3 "a>=1"'],
    [["project", "dependencies", 1], "8:3 'b'"],
    [["project", "dependencies", 2], "missing"],
    [["project", "optional-dependencies"], "10:1 <dotted>"],
    [["project", "optional-dependencies", "dev", 0], '10:30 """c"""'],
    [["tool"], "12:1 <implicit-header>"],
    [["tool", "lock step"], "12:1 <header>"],
    [["tool", "lock step", "x", "z"], "13:14 <inline>"],
    [["tool", "lock step", "x", "z", "w", 1], "13:27 1979-05-27 07:32:00Z"],
    [["tool", "lockstep", "index", 0, "name"], '15:1 "one"'],
    [["tool", "lockstep", "index", 1, "name"], '17:1 "two"'],
    [["tool", "lockstep", "index", 1, "extra", "k"], "19:1 'v'"],
  ])("%j", (path, expected) => {
    expect(where(SAMPLE, path)).toBe(expected);
  });

  test("decodes string values and keys", () => {
    const text = 'a = "q\\"\\u00e9\\\\"\n"k\\tx" = \'lit\\\'\nm = """\nl1\\\n   l2""""\n';
    const doc = parseTomlDocument(text, "f.toml");
    const values = doc.sections[0]?.entries.map((e) => [
      e.keys,
      e.value.kind === "string" ? e.value.value : null,
    ]);
    expect(values).toEqual([
      [["a"], 'q"é\\'],
      [["k\tx"], "lit\\"],
      [["m"], 'l1l2"'],
    ]);
    expect(doc.value).toEqual({ a: 'q"é\\', "k\tx": "lit\\", m: 'l1l2"' });
  });

  test("CRLF line endings are detected", () => {
    expect(parseTomlDocument("a = 1\r\nb = 2\r\n", "f").eol).toBe("\r\n");
    expect(parseTomlDocument("a = 1\nb = 2", "f").eol).toBe("\n");
  });
});

describe("syntax errors", () => {
  test.each([
    ["a = [1,\n2", "pyproject.toml:2:2: invalid TOML: expected comma or end of structure"],
    [
      "a = 1\na = 2",
      "pyproject.toml:2:1: invalid TOML: trying to redefine an already defined table or value",
    ],
    [
      '[project]\nname = "x\n',
      "pyproject.toml:2:10: invalid TOML: control characters are not allowed in strings",
    ],
  ])("%j", (text, message) => {
    let caught: unknown;
    try {
      parseTomlDocument(text, "pyproject.toml");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FileError);
    expect((caught as FileError).message).toBe(message);
    expect((caught as FileError).code).toBe("toml-syntax");
  });
});
