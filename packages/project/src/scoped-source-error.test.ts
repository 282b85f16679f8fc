import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseProject } from "@lockstep/pyproject";
import { describe, expect, test } from "vitest";
import { scopedSourceError, scopedSourceLine } from "./scoped-source-error";

describe("scopedSourceLine", () => {
  test.each<[string, string[], string, string, string, number | undefined]>([
    [
      "inline, one line",
      ["[tool.lockstep.sources]", 'torch = { index = "cu", extra = "gpu" }'],
      "torch",
      "extra",
      "gpu",
      2,
    ],
    [
      "a list: the entry with that value, not an earlier package's",
      [
        "[tool.lockstep.sources]",
        'other = { index = "x", extra = "gpu" }',
        "torch = [",
        '  { index = "cpu", extra = "cpu" },',
        '  { index = "cu", extra = "gpu" },',
        "]",
      ],
      "torch",
      "extra",
      "gpu",
      5,
    ],
    [
      "its own table",
      ["[tool.lockstep.sources.Dev_Tool]", 'index = "dev-idx"', "group = 'dev'"],
      "dev-tool",
      "group",
      "dev",
      3,
    ],
    [
      "not in the text",
      ["[tool.lockstep.sources]", 'torch = { index = "cu" }'],
      "torch",
      "extra",
      "gpu",
      undefined,
    ],
    [
      "another table's key is not the package's",
      ["[tool.other]", 'torch = { extra = "gpu" }', "[tool.lockstep.sources]", 'torch = { index = "cu" }'],
      "torch",
      "extra",
      "gpu",
      undefined,
    ],
  ])("%s", (_name, lines, name, key, value, line) => {
    expect(scopedSourceLine(lines.join("\n"), name, key, value)).toBe(line);
  });
});

describe("scopedSourceError", () => {
  test("names the file and line, the package, and what to do instead", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-scoped-"));
    const path = join(dir, "pyproject.toml");
    const text = [
      "[project]",
      'name = "app"',
      'version = "1"',
      "[[tool.lockstep.index]]",
      'name = "dev-idx"',
      'url = "https://example.com/dev"',
      "[tool.lockstep.sources]",
      'x = { index = "dev-idx", group = "dev" }',
    ].join("\n");
    writeFileSync(path, text);
    const p = parseProject(text, path);
    const e = scopedSourceError(p, "x", p.lockstep.sources.x?.[0] as never);
    expect([e.code, e.message, e.hint]).toEqual([
      "source-scope-unsupported",
      `${path}:8: [tool.lockstep.sources] x: a source narrowed by group = "dev" (used only for x required by the dependency group \`dev\`) is not supported yet`,
      "declare it in the workspace root's pyproject.toml (a member's scoped sources are not supported), or remove `group = \"dev\"` to use this source everywhere, or split the sources by environment with `marker` (e.g. marker = \"sys_platform == 'linux'\")",
    ]);
  });
});
