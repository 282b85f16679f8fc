import { describe, expect, test } from "vitest";
import { metadataBlocks, readScriptMetadata } from "./inline-metadata";

const lines = (...l: string[]) => `${l.join("\n")}\n`;

describe("PEP 723 blocks", () => {
  test.each([
    ["none", lines("print(1)"), []],
    [
      "a script block",
      lines("#!/usr/bin/env python", "# /// script", '# dependencies = ["a"]', "# ///", "print(1)"),
      [{ type: "script", line: 2, content: ['dependencies = ["a"]'] }],
    ],
    [
      "a bare # is an empty content line",
      lines("# /// script", "#", '# requires-python = ">=3.9"', "# ///"),
      [{ type: "script", line: 1, content: ["", 'requires-python = ">=3.9"'] }],
    ],
    [
      "the last # /// before a non-comment line ends the block",
      lines("# /// some-toml", '# x = """', "# ///", "# y", '# """', "# ///", "import os"),
      [{ type: "some-toml", line: 1, content: ['x = """', "///", "y", '"""'] }],
    ],
    ["an unclosed block is ignored", lines("# /// script", '# dependencies = ["a"]', "print(1)"), []],
    ["a type with other characters is no block", lines("# /// scr_ipt", "# ///"), []],
    [
      "CRLF line ends",
      "# /// script\r\n# dependencies = []\r\n# ///\r\n",
      [{ type: "script", line: 1, content: ["dependencies = []"] }],
    ],
  ])("%s", (_name, text, expected) => {
    expect(metadataBlocks(text)).toEqual(expected);
  });
});

describe("readScriptMetadata", () => {
  test("dependencies, requires-python and [tool.lockstep] index settings", () => {
    const m = readScriptMetadata(
      lines(
        "# /// script",
        '# requires-python = ">=3.9"',
        "# dependencies = [",
        '#   "attrly>=23.1",',
        "#   \"clickly; python_version >= '3.8'\",",
        "# ]",
        "# [tool.lockstep]",
        '# index-url = "http://127.0.0.1:1/simple"',
        "# ///",
      ),
      "s.py",
    );
    expect(m?.dependencies.map(String)).toEqual(["attrly>=23.1", "clickly; python_version >= '3.8'"]);
    expect(m?.requiresPython?.toString()).toBe(">=3.9");
    expect(m?.indexUrl).toBe("http://127.0.0.1:1/simple");
    expect(m?.extraIndexUrls).toEqual([]);
  });

  test("no block: undefined", () => {
    expect(readScriptMetadata("print(1)\n", "s.py")).toBeUndefined();
  });

  test.each([
    [
      "two script blocks",
      lines("# /// script", "# ///", "x = 1", "# /// script", "# ///"),
      "s.py:4: a second `# /// script` block (the first is on line 1); PEP 723 allows one",
    ],
    [
      "invalid TOML",
      lines("import os", "# /// script", "# dependencies = [", '#   "a" "b"', "# ]", "# ///"),
      /^s\.py:4:\d+: invalid TOML in the `# \/\/\/ script` block: /,
    ],
    [
      "a bad requirement",
      lines("# /// script", "# dependencies = [", '#   "ok",', '#   "bad==="', "# ]", "# ///"),
      /^s\.py:4: invalid requirement `bad===` in the `# \/\/\/ script` block: /,
    ],
    [
      "dependencies not a list",
      lines("# /// script", '# dependencies = "a"', "# ///"),
      "s.py:2: `dependencies` in the `# /// script` block must be an array of strings",
    ],
    [
      "bad requires-python",
      lines("# /// script", "#", '# requires-python = "3.9+"', "# ///"),
      /^s\.py:3: invalid `requires-python` "3\.9\+" in the `# \/\/\/ script` block: /,
    ],
  ])("%s", (_name, text, message) => {
    expect(() => readScriptMetadata(text, "s.py")).toThrow(message);
  });
});
