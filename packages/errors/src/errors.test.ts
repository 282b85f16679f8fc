import { describe, expect, test } from "vitest";
import { FileError, FileProblems, LockstepError, ParseError, lineColumn, underline } from "./index";

describe("errors", () => {
  test("underline points at the span", () => {
    expect(underline("1.0.x", { start: 4, end: 5 })).toBe("1.0.x\n    ^");
    expect(underline("abc", { start: 3, end: 3 })).toBe("abc\n   ^");
  });

  test("ParseError quotes the input and underlines", () => {
    const e = new ParseError("version-invalid", "version", "1.0.x", "expected a number", {
      start: 4,
      end: 5,
    });
    expect(e.message).toBe('Failed to parse version "1.0.x": expected a number\n1.0.x\n    ^');
    expect(e.code).toBe("version-invalid");
    expect(e).toBeInstanceOf(LockstepError);
  });

  test("FileError names path, line and column", () => {
    const e = new FileError("toml", "pyproject.toml", { line: 3, column: 7 }, "bad", { hint: "fix it" });
    expect(e.message).toBe("pyproject.toml:3:7: bad");
    expect(e.render()).toBe("pyproject.toml:3:7: bad\n  hint: fix it");
  });

  test("lineColumn", () => {
    expect(lineColumn("ab\ncd\nef", 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("ab", 0)).toEqual({ line: 1, column: 1 });
  });

  test.each([
    [3, "pylock.toml:3: bad"],
    [{ line: 3, column: 7 }, "pylock.toml:3:7: bad"],
    [undefined, "pylock.toml: bad"],
  ])("FileProblems places a problem at %j", (position, message) => {
    const problems = new FileProblems("pylock.toml", "lock-invalid");
    problems.add(position, "bad");
    expect(problems.list.map((p) => [p.code, p.message])).toEqual([["lock-invalid", message]]);
  });

  test("FileProblems gathers every problem, then raises them once", () => {
    const problems = new FileProblems("pyproject.toml", "invalid-pyproject");
    problems.throwIfAny(() => new Error("not raised: no problems yet"));
    problems.add(1, "first");
    problems.add({ line: 2, column: 4 }, "second", { code: "unknown-key", hint: "remove it" });
    const raise = (list: readonly FileError[]) =>
      new Error(list.map((p) => `${p.code} ${p.render()}`).join("\n"));
    expect(() => problems.throwIfAny(raise)).toThrow(
      "invalid-pyproject pyproject.toml:1: first\nunknown-key pyproject.toml:2:4: second\n  hint: remove it",
    );
  });
});
