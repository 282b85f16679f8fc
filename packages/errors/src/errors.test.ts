import { describe, expect, test } from "vitest";
import { FileError, LockstepError, ParseError, lineColumn, underline } from "./index";

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
});
