/** `run`'s argv split and environment, and sync's group selection, as tables. */
import { describe, expect, test } from "vitest";
import { SYNC_VALUE_FLAGS } from "./commands/sync";
import { splitRunArgv, venvEnvironment } from "./run-command";
import { selectedGroups } from "./sync-project";

describe("splitRunArgv", () => {
  test.each([
    [["run", "python", "-c", "x"], [], ["python", "-c", "x"]],
    [["run", "--frozen", "pytest", "-k", "a"], ["--frozen"], ["pytest", "-k", "a"]],
    [["run", "--extra", "socks", "--extra", "x", "tool"], ["--extra", "socks", "--extra", "x"], ["tool"]],
    [["run", "--python=3.12", "tool", "--python", "3.11"], ["--python=3.12"], ["tool", "--python", "3.11"]],
    [["run", "-p", "3.12", "--", "--weird-name"], ["-p", "3.12"], ["--weird-name"]],
    [["run", "--no-sync"], ["--no-sync"], []],
  ])("%j", (argv, flags, command) => {
    expect(splitRunArgv(argv, SYNC_VALUE_FLAGS)).toEqual({ flags, command });
  });
});

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
  const none = {
    extras: [],
    allExtras: false,
    groups: [],
    noGroups: [],
    onlyGroups: [],
    allGroups: false,
    noDefaultGroups: false,
    noDev: false,
    noInstallProject: false,
  };
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
