/** `run`'s argv split with the flags `run` really takes (sync's value flags), as a table. */
import { describe, expect, test } from "vitest";
import { splitRunArgv } from "@lockstep/project/run-command";
import { SYNC_VALUE_FLAGS } from "./sync";

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
