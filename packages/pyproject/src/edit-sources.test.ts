import { expect, test } from "vitest";
import { inlineTable, setSource } from "./edit-sources";

const table = inlineTable([
  ["git", "https://host/r.git"],
  ["tag", "v1"],
]);

test.each([
  [
    "no table yet",
    '[project]\nname = "a"\n',
    '[project]\nname = "a"\n\n[tool.lockstep.sources]\nlib = { git = "https://host/r.git", tag = "v1" }\n',
  ],
  [
    "no final newline",
    '[project]\nname = "a"',
    '[project]\nname = "a"\n\n[tool.lockstep.sources]\nlib = { git = "https://host/r.git", tag = "v1" }\n',
  ],
  [
    "table exists, other entries and a later table kept",
    '[tool.lockstep.sources]\nother = { index = "x" }\n\n[tool.other]\nk = 1\n',
    '[tool.lockstep.sources]\nlib = { git = "https://host/r.git", tag = "v1" }\nother = { index = "x" }\n\n[tool.other]\nk = 1\n',
  ],
  [
    "the same name (normalized) replaced",
    '[tool.lockstep.sources]\nLib = { path = "../lib" }\n',
    '[tool.lockstep.sources]\nlib = { git = "https://host/r.git", tag = "v1" }\n',
  ],
  [
    "CRLF kept",
    "[project]\r\n",
    '[project]\r\n\r\n[tool.lockstep.sources]\r\nlib = { git = "https://host/r.git", tag = "v1" }\r\n',
  ],
])("%s", (_label, input, output) => {
  expect(setSource(input, "lib", table)).toBe(output);
});
