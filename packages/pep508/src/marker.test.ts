import { describe, expect, test } from "vitest";
import { ParseError } from "@lockstep/errors";
import { VersionSet } from "@lockstep/pep440";
import { Marker } from "./marker";
import { grid } from "./test-grid";

const m = (s: string) => Marker.parse(s);
const linux38 = grid().find(
  (g) =>
    g.env.sys_platform === "linux" &&
    g.env.python_full_version === "3.8.18" &&
    g.env.implementation_name === "cpython",
)!.env;

describe("canonical form", () => {
  test.each([
    ["", ""],
    ["python_version >= '3.8'", "python_version >= '3.8'"],
    ["python_version > '3.8'", "python_version >= '3.9'"],
    ["python_version <= '3.8'", "python_version < '3.9'"],
    ["python_version == '3.8'", "python_version == '3.8'"],
    ["python_version != '3.8'", "python_version != '3.8'"],
    ["python_version == '3.*'", "python_version >= '3.0' and python_version < '4.0'"],
    ["python_version ~= '3.8'", "python_version >= '3.8' and python_version < '4.0'"],
    ["python_version in '2.7 3.6'", "python_version == '2.7' or python_version == '3.6'"],
    ["python_version not in '3.10'", "python_version != '3.1' and python_version != '3.10'"],
    ["python_full_version >= '3.8.1'", "python_full_version >= '3.8.1'"],
    [
      "python_full_version >= '3.8.0' and python_version < '3.10'",
      "python_full_version >= '3.8.0' and python_version < '3.10'",
    ],
    [
      "python_full_version >= '3.8' or python_full_version == '3.7.0.0'",
      "python_full_version == '3.7.0' or python_full_version >= '3.8.0'",
    ],
    [
      "python_full_version >= '3.8.dev0' and python_full_version < '3.10.dev0'",
      "python_version >= '3.8' and python_version < '3.10'",
    ],
    ["python_full_version < '3.8'", "python_version < '3.8'"],
    ["python_full_version > '3.8'", "python_full_version > '3.8.0'"],
    ["python_full_version <= '3.8.1'", "python_full_version <= '3.8.1'"],
    ["implementation_version >= '7.3.0'", "implementation_version >= '7.3'"],
    ["os.name == 'nt'", "os_name == 'nt'"],
    ["'linux' == sys_platform", "sys_platform == 'linux'"],
    [
      "sys_platform == 'linux' or sys_platform == 'darwin'",
      "sys_platform == 'darwin' or sys_platform == 'linux'",
    ],
    [
      "sys_platform != 'win32' and sys_platform != 'cygwin'",
      "sys_platform != 'cygwin' and sys_platform != 'win32'",
    ],
    ["python_implementation == 'CPython'", "platform_python_implementation == 'CPython'"],
    ["extra == 'Foo_Bar'", "extra == 'foo-bar'"],
    ["'X' in extras and 'dev' not in dependency_groups", "'x' in extras and 'dev' not in dependency_groups"],
    ["'linux' in sys_platform", "'linux' in sys_platform"],
    ["sys_platform > 'a'", "sys_platform > 'a'"],
    [
      "sys_platform == 'linux' or python_version < '3.8'",
      "python_version < '3.8' or sys_platform == 'linux'",
    ],
    ["sys_platform == 'linux' and sys_platform == 'win32'", "python_version < '0'"],
    ["python_version < '3.8' or python_version >= '3.8'", ""],
  ])("%j prints as %j", (input, expected) => {
    const marker = m(input);
    expect(marker.toString()).toBe(expected);
    expect(m(marker.toString()).equals(marker)).toBe(true);
  });

  test("equal markers are the same object", () => {
    expect(m("os_name == 'nt' and python_version >= '3.8'")).toBe(
      m("python_version > '3.7' and 'nt' == os_name"),
    );
  });
});

describe("evaluate", () => {
  test.each([
    ["python_version >= '3.8'", true],
    ["python_version > '3.8'", false],
    ["python_full_version >= '3.8.10'", true],
    ["python_version in '3.8 3.9'", true],
    ["python_version ~= '3.8'", true],
    ["sys_platform == 'linux' and platform_machine == 'x86_64'", true],
    ["os_name == 'nt' or implementation_name == 'pypy'", false],
    ["'linux' in sys_platform", true],
    ["'lin' not in sys_platform", false],
    ["platform_release >= '5'", true],
    ["platform_release == '5.15.0'", true],
    ["extra == 'test'", false],
    ["extra != 'test'", true],
    ["python_version ~= '3'", false],
  ])("%j on CPython 3.8 / Linux is %j", (input, expected) => {
    expect(m(input).evaluate(linux38)).toBe(expected);
  });

  test.each([
    ["extra == 'Foo.Bar'", { extra: "foo_bar" }, true],
    ["extra == 'foo-bar'", {}, false],
    ["'Foo' in extras", { extras: ["foo"] }, true],
    ["'foo' in extras", { extras: ["bar"] }, false],
    ["'dev' in dependency_groups", { dependencyGroups: ["Dev"] }, true],
    ["'dev' not in dependency_groups", {}, true],
  ])("%j with %j is %j", (input, ctx, expected) => {
    expect(m(input).evaluate(linux38, ctx)).toBe(expected);
  });
});

describe("algebra", () => {
  test.each([
    ["python_version < '3.8'", "python_version >= '3.8'", true],
    ["python_version < '3.8'", "python_full_version >= '3.7.5'", false],
    ["python_version <= '3.8'", "python_full_version >= '3.9.0'", true],
    ["sys_platform == 'linux'", "sys_platform == 'win32'", true],
    ["sys_platform == 'linux'", "sys_platform != 'win32'", false],
    // sys_platform and platform_system are related (marker-knowledge.ts).
    ["sys_platform == 'linux'", "platform_system == 'Windows'", true],
    ["sys_platform == 'linux'", "platform_machine == 'AMD64'", false],
    ["extra == 'a'", "extra == 'b'", true],
    ["'a' in extras", "'b' in extras", false],
    ["'linux' in sys_platform", "'linux' not in sys_platform", true],
  ])("isDisjoint(%j, %j) = %j", (a, b, expected) => {
    expect(m(a).isDisjoint(m(b))).toBe(expected);
    expect(m(b).isDisjoint(m(a))).toBe(expected);
  });

  test.each([
    ["python_version >= '3.9'", "python_version >= '3.8'", true],
    ["python_version >= '3.8'", "python_version >= '3.9'", false],
    ["python_full_version >= '3.8.1'", "python_version >= '3.8'", true],
    ["sys_platform == 'linux' and python_version < '3.8'", "sys_platform == 'linux'", true],
  ])("%j implies %j: %j", (a, b, expected) => {
    expect(m(a).implies(m(b))).toBe(expected);
  });

  test("TRUE, FALSE, and, or, not", () => {
    const a = m("sys_platform == 'linux'");
    expect(a.or(a.not()).isTrue()).toBe(true);
    expect(a.and(a.not()).isFalse()).toBe(true);
    expect(Marker.TRUE.toString()).toBe("");
    expect(Marker.FALSE.toString()).toBe("python_version < '0'");
    expect(m(Marker.FALSE.toString()).isFalse()).toBe(true);
  });

  test.each([
    [">=3.8", "python_version >= '3.8'", ""],
    [">=3.8", "python_version < '3.8'", "python_version < '0'"],
    [">=3.8", "python_version >= '3.8' and sys_platform == 'linux'", "sys_platform == 'linux'"],
    [
      ">=3.8",
      "python_version < '3.10' and sys_platform == 'linux'",
      "python_version < '3.10' and sys_platform == 'linux'",
    ],
    [">=3.8, <3.11", "python_version >= '3.11' or os_name == 'nt'", "os_name == 'nt'"],
  ])("simplify under requires-python %j: %j -> %j", (rp, input, expected) => {
    expect(m(input).simplify(VersionSet.parse(rp)).toString()).toBe(expected);
  });

  test.each([
    ["extra == 'a' and python_version < '3.8'", "python_version < '3.8'", "extra == 'a'"],
    ["extra == 'a' or python_version < '3.8'", "", ""],
    ["sys_platform == 'linux'", "sys_platform == 'linux'", ""],
    ["'x' in extras and os_name == 'nt'", "os_name == 'nt'", "'x' in extras"],
  ])("%j splits into %j and %j", (input, without, only) => {
    expect(m(input).withoutExtras().toString()).toBe(without);
    expect(m(input).onlyExtras().toString()).toBe(only);
  });
});

describe("errors", () => {
  test.each([
    [
      "python_version",
      "Expected a marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in",
      14,
      15,
    ],
    ["python_version >= ", "Expected a marker variable or quoted string", 18, 19],
    ["python_version >= '3.8", "Expected a marker variable or quoted string", 18, 19],
    ["(os_name == 'nt'", "Expected a closing `)` for this `(`", 0, 16],
    ["os_name == 'nt' and", "Expected a marker variable or quoted string", 19, 20],
    ["os_name not'nt'", "Expected whitespace after `not`", 11, 12],
    ["os_name not  on 'nt'", "Expected `in` after `not`", 8, 14],
    [
      "'a' == 'b'",
      "A marker comparison needs one variable and one quoted string, found two quoted strings",
      0,
      10,
    ],
    [
      "os_name == sys_platform",
      "A marker comparison needs one variable and one quoted string, found two variables",
      0,
      23,
    ],
    ["extras == 'a'", "`extras` can only be used as `'name' in extras` or `'name' not in extras`", 0, 13],
    ["os_name == 'nt' xor", "Expected `and`, `or` or the end of the marker", 16, 19],
    ["python_version=='3'andos_name=='nt'", "Expected `and`, `or` or the end of the marker", 19, 35],
  ])("rejects %j", (input, reason, start, end) => {
    let error: unknown;
    try {
      Marker.parse(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    const pe = error as ParseError;
    expect(pe.code).toBe("marker-invalid");
    expect(pe.reason).toBe(reason);
    expect(pe.span).toEqual({ start, end });
  });
});

describe("mentionsPythonVersion", () => {
  // The answer must be exactly what a search of the printed text gives, without printing when it can.
  test.each([
    ["", false],
    ["python_version < '3.11'", true],
    ["python_full_version >= '3.9.1' and sys_platform == 'win32'", true],
    ["sys_platform == 'win32' and platform_python_implementation == 'CPython'", false],
    ["platform_system == 'Windows' and implementation_name == 'pypy'", false],
    ["extra == 'test'", false],
    ["'3.8' in python_version", true],
    ["python_version in '2.7 3.6'", true],
    ["platform_release == 'python_version'", true],
    ["platform_machine > 'python_full_version-x'", true],
    // False in every consistent environment: prints as FALSE_TEXT, which mentions python_version.
    ["sys_platform == 'linux' and platform_system == 'Darwin'", true],
    ["python_version >= '3.8' or python_version < '3.8'", false],
  ])("%j → %s", (text, expected) => {
    const m = Marker.parse(text);
    expect(m.mentionsPythonVersion()).toBe(expected);
    expect(/python_(full_)?version/.test(m.toString())).toBe(expected);
  });
});
