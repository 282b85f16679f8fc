/** `run`'s environment and sync's group selection, as tables (the argv split is tested with the CLI's flags in cli/src/commands/run.test.ts). */
import { describe, expect, test } from "vitest";
import { venvEnvironment } from "./run-command";
import { selectedGroups } from "./sync-project";
import { DEFAULT_SELECTION } from "./sync-state";

test("venvEnvironment puts bin first, sets VIRTUAL_ENV, drops PYTHONHOME", () => {
  expect(
    venvEnvironment(
      { root: "/p/.venv", bin: "/p/.venv/bin" },
      { PATH: "/usr/bin", PYTHONHOME: "/x", A: "1" },
    ),
  ).toEqual({
    PATH: "/p/.venv/bin:/usr/bin",
    VIRTUAL_ENV: "/p/.venv",
    A: "1",
  });
});

describe("selectedGroups", () => {
  const lock = { dependencyGroups: ["dev", "docs", "lint"], defaultGroups: ["dev", "lint"] };
  const none = DEFAULT_SELECTION;
  test.each([
    ["defaults", {}, ["dev", "lint"]],
    ["--no-dev", { noDev: true }, ["lint"]],
    ["--group docs", { groups: ["Docs"] }, ["dev", "docs", "lint"]],
    ["--no-group lint", { noGroups: ["lint"] }, ["dev"]],
    ["--no-default-groups --group docs", { noDefaultGroups: true, groups: ["docs"] }, ["docs"]],
    ["--all-groups --no-group dev", { allGroups: true, noGroups: ["dev"] }, ["docs", "lint"]],
    ["--only-group docs", { onlyGroups: ["docs"] }, ["docs"]],
  ])("%s", (_name, flags, expected) => {
    expect(selectedGroups(lock, { ...none, ...flags })).toEqual(expected);
  });
});
