/** `run`'s argv split: lockstep's flags before the command's name, the command's after. */
import { describe, expect, test } from "vitest";
import { splitArgv } from "./split-argv";
import { RUN_VALUE_FLAGS } from "./commands/run";

describe("splitArgv", () => {
  test.each([
    [["run", "python", "-c", "x"], ["run"], ["python", "-c", "x"]],
    [["run", "pytest", "-x"], ["run"], ["pytest", "-x"]],
    [["run", "python", "--version"], ["run"], ["python", "--version"]],
    [["run", "python", "-h"], ["run"], ["python", "-h"]],
    [
      ["run", "-v", "python", "-c", "1"],
      ["run", "-v"],
      ["python", "-c", "1"],
    ],
    [["-v", "run", "python"], ["-v", "run"], ["python"]],
    [["--project", "X", "run", "tool"], ["--project", "X", "run"], ["tool"]],
    [["--project", "run", "run", "python"], ["--project", "run", "run"], ["python"]],
    [
      ["--project=X", "run", "tool", "--project", "Y"],
      ["--project=X", "run"],
      ["tool", "--project", "Y"],
    ],
    [
      ["run", "--frozen", "pytest", "-k", "a"],
      ["run", "--frozen"],
      ["pytest", "-k", "a"],
    ],
    [
      ["run", "--extra", "socks", "--extra", "x", "tool"],
      ["run", "--extra", "socks", "--extra", "x"],
      ["tool"],
    ],
    [["run", "-p", "3.12", "--", "--weird-name"], ["run", "-p", "3.12"], ["--weird-name"]],
    [["run", "--no-sync"], ["run", "--no-sync"], []],
    [["run"], ["run"], []],
    [["run", "--help"], ["run", "--help"], []],
    [["run", "-", "x"], ["run"], ["-", "x"]],
  ])("%j", (argv, lockstep, command) => {
    expect(splitArgv(argv, RUN_VALUE_FLAGS)).toEqual({ lockstep, command });
  });

  test.each([[["sync", "--frozen"]], [["lock", "run"]], [["--", "run", "x"]], [[]]])(
    "%j is not run: whole",
    (argv) => {
      expect(splitArgv(argv, RUN_VALUE_FLAGS)).toEqual({ lockstep: argv, command: undefined });
    },
  );
});
